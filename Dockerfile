# One image for every service: `docker build --build-arg SERVICE=pricing .`
# (Not built on the project's own machines, which have no Docker engine; see README.)
FROM python:3.11-slim
ARG SERVICE
ENV SERVICE=${SERVICE} UV_PROJECT_ENVIRONMENT=/opt/venv PATH=/opt/venv/bin:$PATH
RUN pip install --no-cache-dir uv
WORKDIR /app
COPY pyproject.toml uv.lock ./
COPY shared ./shared
COPY services ./services
RUN uv sync --all-packages --frozen --no-dev
USER nobody
EXPOSE 8000
# The prestart step migrates (alembic) before the server starts (bash: it upper-cases the name).
SHELL ["/bin/bash", "-c"]
CMD python -m clinic_shared.migrate_cli services/${SERVICE} "$(printenv "${SERVICE^^}_DATABASE_URL")" && \
    uvicorn --factory ${SERVICE}.bootstrap:create_app --host 0.0.0.0 --port 8000
