# Only recommended by app.
