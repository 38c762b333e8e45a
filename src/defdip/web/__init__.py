"""defdip on the web: ``/api/v1`` (OpenAPI) and server-rendered pages over the service layer.

Routes parse their parameters, call one function of :mod:`defdip.service` and render what it
returns (JSON, CSV, Parquet or a Jinja2 page); who may see what, and every data read, stay
below this layer. ``defdip serve`` runs :func:`create_app` under uvicorn.
"""

from defdip.web.app import create_app

__all__ = ["create_app"]
