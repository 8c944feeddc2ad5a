# The container image is Parley's single deployable artifact.
FROM denoland/deno:debian-2.9.6

WORKDIR /app

# Dependencies first, so they stay cached while only the source changes.
COPY deno.json deno.lock ./
RUN deno install --frozen

COPY . .
# ./data (database, attachments, generated session secret) lives on the volume
RUN deno cache --frozen main.ts edge.ts scripts/demo.ts scripts/backup.ts scripts/restore.ts \
  && rm -rf data && ln -s /data /app/data \
  && mkdir -p /data && chown -R deno:deno /data /app /deno-dir

USER deno
VOLUME /data
EXPOSE 8000
ENV PORT=8000 HOST=0.0.0.0

HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["deno", "eval", "const r = await fetch(`http://127.0.0.1:${Deno.env.get('PORT') ?? 8000}/healthz`); Deno.exit(r.ok ? 0 : 1)"]

CMD ["deno", "task", "start"]
