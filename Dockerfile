# syntax=docker/dockerfile:1
FROM python:3.11-slim AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_URL=sqlite:////data/talentmatch.db \
    WEB_CONCURRENCY=2 \
    NUMBA_CACHE_DIR=/srv/talentmatch/.numba-cache

WORKDIR /srv/talentmatch

COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY matching ./matching
COPY migrations ./migrations
COPY scripts ./scripts
# the ranking kernels are compiled once here (numba caches them in NUMBA_CACHE_DIR, which the
# service user may update if its CPU differs), not in every worker at start
RUN pip install . \
    && python -c "from matching import kernels; kernels.warm()" \
    && useradd --system --uid 10001 --home-dir /srv/talentmatch talentmatch \
    && mkdir -p /data && chown talentmatch /data && chown -R talentmatch "$NUMBA_CACHE_DIR"

USER talentmatch
EXPOSE 8000
VOLUME ["/data"]

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"

# Migrations first (RUN_MIGRATIONS=0 on replicas when a one-off job migrates), then the server:
# several workers (uvicorn, one SO_REUSEPORT socket each: app/server.py), each keeping its own
# match index in sync; in-flight requests get 30 s on SIGTERM.
ENV RUN_MIGRATIONS=1
CMD ["sh", "-c", "if [ \"$RUN_MIGRATIONS\" = 1 ]; then alembic upgrade head || exit 1; fi; exec python -m app.server --host 0.0.0.0 --port 8000 --workers ${WEB_CONCURRENCY} --proxy-headers --no-access-log --timeout-graceful-shutdown 30"]
