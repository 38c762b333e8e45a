"""`defdip serve`: the web application (pages and /api/v1) on the store, read-only."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from defdip.cli._common import StoreOption

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve_cmd(host: str = typer.Option("127.0.0.1", "--host",
                                           help="Address to listen on (0.0.0.0: every "
                                                "interface)."),
                  port: int = typer.Option(8000, "--port", help="TCP port."),
                  workers: int = typer.Option(1, "--workers", min=1, max=32,
                                              help="Worker processes (each keeps its own "
                                                   "cache)."),
                  store: Path = StoreOption) -> None:
        """Serve the pages and the REST API (/api/v1, OpenAPI at /api/v1/docs) over the
        store, read-only: loads can run beside it and it serves the new data at once.

        Example: defdip serve --port 8000
        """
        from defdip.errors import DefdipError, NoStore

        try:
            import uvicorn

            import defdip.web  # noqa: F401  (fastapi, jinja2: fail here, not in a worker)
        except ImportError as exc:
            raise DefdipError(f"defdip serve needs the web extra ({exc.name} is missing): "
                              "pip install -e '.[web]'.") from exc
        from defdip.store.session import store_path

        path = store_path(store)
        if not path.is_file():
            raise NoStore(path)
        os.environ["DEFDIP_STORE"] = str(path)  # the workers build the app from it
        typer.echo(f"defdip: serving {path} on http://{host}:{port} (API: /api/v1/docs)")
        uvicorn.run("defdip.web.app:create_app", factory=True, host=host, port=port,
                    workers=workers, log_level="warning", access_log=False)
