"""Reports of an analysis result: plain text (``text``), JSON (``json_report``) and a
self-contained HTML page with inline charts (``html``, ``charts``)."""
