"""The web console (R-0.1: Chinese by default), one module per domain. Each view is a thin
door: parse the request, call a selector or a service of the owning app, render."""
