"""Security headers for every page; a Content-Security-Policy that the vendored assets
satisfy (no inline scripts, nothing from other origins) on the console."""

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class SecurityHeaders:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Referrer-Policy", "same-origin")
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        # The admin and the API's interactive docs keep Django's and Ninja's own pages.
        if not request.path.startswith(("/admin/", "/api/")):
            response.setdefault("Content-Security-Policy", CSP)
        # Pages and answers carry personal data: no browser or proxy keeps a copy.
        if not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store"
        return response
