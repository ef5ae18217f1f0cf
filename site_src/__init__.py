"""The journal engine: turns day entries with executable snippets into a MkDocs site.

The modules here never import the lab (`dplab`), torch or matplotlib in the calling
process; snippets run in worker processes (see `runner` and `worker`).
"""
