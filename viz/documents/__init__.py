"""The report as documents to hand in: its content once (``content``), laid out as Word (``docx``) and PDF (``pdf``)."""
