# syntax=docker/dockerfile:1
# The Rasa image: Rasa Open Source 3.6.21 from requirements/rasa.lock.txt (the same pins as
# .venv/rasa), started through rasa_runtime (private address, API token from the environment,
# the bot's channel), with the trained model baked in so that every replica serves the same one.
# Build from the repository root after `make train`:
#   docker build -f deploy/rasa.Dockerfile -t scamreport-rasa:MODELHASH \
#     --build-arg MODEL=models/scamreport-<hash>.tar.gz .
ARG PYTHON_IMAGE=python:3.10-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/rasa
COPY requirements/rasa.lock.txt /tmp/rasa.lock.txt
RUN /opt/rasa/bin/pip install -r /tmp/rasa.lock.txt

FROM ${PYTHON_IMAGE}
ARG MODEL=models/current.tar.gz
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home rasa
COPY --from=build /opt/rasa /opt/rasa
WORKDIR /app
# rasa_runtime imports only scamreport.channel, .settings, .languages (standard library) and
# .locales (PyYAML), and reads the translated responses from locales/.
COPY rasa_runtime /app/rasa_runtime
COPY scamreport/__init__.py scamreport/channel.py scamreport/settings.py scamreport/languages.py scamreport/locales.py /app/scamreport/
# The JSON log lines and metric names (standard library; rasa_runtime/metrics.py).
COPY scamreport/logs.py scamreport/metrics.py /app/scamreport/
COPY locales /app/locales
COPY credentials.yml /app/credentials.yml
COPY deploy/rasa/endpoints.yml /app/deploy/rasa/endpoints.yml
COPY deploy/container-entrypoint.sh deploy/healthcheck.py /app/deploy/
COPY ${MODEL} /app/models/current.tar.gz
ENV PATH=/opt/rasa/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    RASA_TELEMETRY_ENABLED=false \
    TF_CPP_MIN_LOG_LEVEL=3 \
    RASA_CACHE_DIRECTORY=/tmp/rasa-cache \
    HOME=/tmp
USER 10001:10001
EXPOSE 5005
ENTRYPOINT ["/app/deploy/container-entrypoint.sh"]
CMD ["python", "-m", "rasa_runtime", "run", "--enable-api", \
     "--model", "/app/models/current.tar.gz", "--port", "5005", \
     "--endpoints", "/app/deploy/rasa/endpoints.yml", "--credentials", "/app/credentials.yml"]
