"""The playground: ``neuralab play``, a neural network training live in the browser.

The server trains with neuralab itself; the page (plain JavaScript modules and Canvas, shipped in
``static/``, nothing loaded from elsewhere) draws. One module per concern:

- :mod:`~neuralab.play.config`: the set-up the page's controls describe, checked;
- :mod:`~neuralab.play.model`: features, data split, targets and the network of a set-up;
- :mod:`~neuralab.play.session`: one tab's data, network and training;
- :mod:`~neuralab.play.render`: what a frame shows (heatmap, thumbnails, diagnostics, losses);
- :mod:`~neuralab.play.protocol`: the messages and their binary form;
- :mod:`~neuralab.play.connection`: one tab's WebSocket loop;
- :mod:`~neuralab.play.server`: the web app and its security;
- :mod:`~neuralab.play.presets`, :mod:`~neuralab.play.race`, :mod:`~neuralab.play.upload`,
  :mod:`~neuralab.play.snippet`: the claim presets, the optimizer race, the user's CSV, the
  exported Python script;
- :mod:`~neuralab.play.limits`: the limits the server enforces.

The web parts need the optional extra: ``pip install 'neuralab[play]'`` (Starlette, uvicorn,
websockets). ``neuralab.play.server.create_app()`` is the ASGI app; ``neuralab play`` serves it.
"""
