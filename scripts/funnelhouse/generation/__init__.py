"""The synthetic e-commerce clickstream and its ground truth (``scripts/generate_events.py``).

``generator`` is the driver and documents the data contract, the model and the truth file;
``simulate`` simulates one chunk of users with numpy (behaviour constants in ``simparams``),
``dirty`` injects the data-quality noise, ``ids`` makes the text ids, ``assignment_log`` writes
the experimentation service's log of ``checkout_button_test`` and ``daily_files`` writes the
events as one file per day with late arrivals. The variant assignment itself is
``funnelhouse.assignment``, shared with the analysis.
"""
