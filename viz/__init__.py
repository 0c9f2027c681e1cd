"""Network views of an integration concept: interactive HTML, SVG and PNG (issue 5).

Every view is drawn from a ``networkx.Graph`` in one format, whatever query produced it:

- each node has ``kind`` (``"actor"``, ``"working_group"``, ``"goal"``, ``"action_field"`` or
  ``"task"``), ``label`` (display text, already in the chosen language) and ``title`` (tooltip,
  plain text, may contain newlines); optionally ``subkind`` (e.g. the actor type ``"school"``,
  searchable in the page) and ``size_value`` (a metric; the node's area grows with it);
- each edge has ``kind`` (``"membership"``, ``"cooperation"``, ``"pursues"``, ``"formulated"``,
  ``"in_field"``, ``"addresses"`` or ``"suggested"``), optionally ``title`` and ``weight`` (the
  line gets wider). ``"suggested"`` edges are the gaps overlay: dashed, vermillion, the title
  carries the reasons.

Modules (imported one by one, so that a page does not pull in matplotlib):

- :mod:`ikg.viz.html`: :func:`~ikg.viz.html.to_html` (one self-contained, offline page) and
  :func:`~ikg.viz.html.embed_snippet` (a sandboxed ``<iframe>`` for reports);
- :mod:`ikg.viz.static`: :func:`~ikg.viz.static.to_svg`, :func:`~ikg.viz.static.to_png` and
  :func:`~ikg.viz.static.to_svg_png` (drawn once, saved both ways); :mod:`ikg.viz.drawing`: what
  the matplotlib figures share; :mod:`ikg.viz.labels`: labels that overlap nothing;
  :mod:`ikg.viz.documents.figure`: the print figures of Word and PDF;
- :mod:`ikg.viz.layout`: deterministic positions (the last few kept, so a report lays out each
  view once); :mod:`ikg.viz.style`: colours, shapes, legend texts; :mod:`ikg.viz.scene`: the
  checked input every renderer draws.

Every word the views and the report show comes from the message catalogue
``graph/locale/<lang>/LC_MESSAGES/viz.po`` and ``views.po`` (German and English).

Actor nodes may also carry ``type_label``, ``town`` and ``group_label`` (what ``color_by`` colours
them by) and ``facts`` (their profile: ``[(heading, [values])]``, shown in the page's panel);
:func:`~ikg.viz.views.build_view` sets them. ``shared_group`` edges tie two actors of one AG.
"""
