# syntax=docker/dockerfile:1
# The application image: the action server, the bot, the forwarding worker, the police console
# and the migration job, all from requirements/app.lock.txt (the same pins as .venv/app).
# Build from the repository root:
#   docker build -f deploy/app.Dockerfile -t scamreport-app:VERSION .
# No secret is built in: every one comes from the environment at run time (docs/deployment.md).
ARG PYTHON_IMAGE=python:3.10-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
WORKDIR /app
COPY . /app
# The lock file constrains every version; only the runtime dependencies are installed (no
# [dev]). Editable, as in .venv/app, so that scamreport.settings.PROJECT_ROOT is /app.
RUN /opt/venv/bin/pip install -c requirements/app.lock.txt -e . \
 && /opt/venv/bin/pip check
# The scam-type classifier is trained from the repository's data at build time (seconds; the
# same seed and data as `make train`), so the image needs nothing from models/.
RUN /opt/venv/bin/python -m scamreport.classification.train \
      --out /app/models/scam_types-current --fingerprint image

FROM ${PYTHON_IMAGE}
# Tesseract reads evidence screenshots (pytesseract); the languages the OCR uses.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      tesseract-ocr tesseract-ocr-eng tesseract-ocr-chi-sim tesseract-ocr-msa \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /app --no-create-home scamreport \
 && mkdir -p /data && chown 10001:10001 /data
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    SCAMREPORT_DATA_DIR=/data \
    SCAMREPORT_SCAM_TYPE_MODEL=/app/models/scam_types-current
WORKDIR /app
USER 10001:10001
VOLUME ["/data"]
ENTRYPOINT ["/app/deploy/container-entrypoint.sh"]
CMD ["python", "-m", "scamreport", "--help"]
