# Telegram bot for the report "2023年广州市对台工作成果及亮点".
#
#   docker build -t gz-report-bot .
#   docker run -d --name gz-report-bot --restart unless-stopped \
#       -e TELEGRAM_BOT_TOKEN=123456:ABC... -v gz-report-bot:/var/lib/gz-report-bot gz-report-bot
#
# TELEGRAM_BOT_TOKEN is required in a container: without it `python -m bot` starts the offline
# console, which reads stdin and exits at its end. Polling by default; webhook mode when
# WEBHOOK_URL (and WEBHOOK_SECRET) are set, serving on $PORT (8080). See README.md.
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# An unprivileged user, and the folder for the SQLite database, owned by it (a new named volume
# copies this ownership).
RUN useradd --system --create-home --uid 10001 --user-group bot \
    && mkdir -p /var/lib/gz-report-bot \
    && chown bot:bot /var/lib/gz-report-bot

WORKDIR /app

# A regular (non-editable) install from PyPI. The sources are removed afterwards so that
# `python -m bot`, run from /app, imports the installed package and not a copy in the cwd.
COPY pyproject.toml README.md ./
COPY bot/ bot/
COPY handlers/ handlers/
RUN pip install --no-cache-dir . \
    && rm -rf bot handlers build ./*.egg-info

# The report data. bot.config's default data folder is relative to the installed package
# (inside site-packages' parent), so point DATA_DIR here explicitly.
COPY data/ data/
ENV DATA_DIR=/app/data \
    DATABASE_PATH=/var/lib/gz-report-bot/bot.sqlite3

VOLUME ["/var/lib/gz-report-bot"]
USER bot
EXPOSE 8080

# Webhook mode: GET /healthz on the bot's own server (200 while the Application runs).
# Polling mode has no HTTP server: check that the configuration and the data load.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD if [ -n "$WEBHOOK_URL" ]; then \
            python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + (os.environ.get('PORT') or '8080') + '/healthz', timeout=5)"; \
        else \
            python -m bot check > /dev/null; \
        fi

CMD ["python", "-m", "bot"]
