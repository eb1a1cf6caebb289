"""One module per group of routes, each exposing ``router``; ``api.app.ROUTERS`` lists them."""
