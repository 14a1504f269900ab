"""GET /console and GET /console/{name}: the operator console's page and files (decision 93)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from debtload.api.contract.operation import Operation, Reply

TAG = "console"
TAG_DESCRIPTION = (
    "The operator console: a static page that needs no key; every call it makes carries the API key its "
    "user signs in with, so it shows only what that key's scopes allow."
)


class ConsoleData(BaseModel):
    """A JSON file of the console (its messages, for instance): whatever it holds."""

    model_config = ConfigDict(extra="allow")


FILE_TYPES = ("text/javascript", "text/css", "image/svg+xml", "image/png", "font/woff2", "text/html")

OPERATIONS = {
    ("GET", "/console"): Operation(
        operation_id="getConsole",
        tag=TAG,
        summary="The operator console",
        description="The console's page (HTML). It names its files relatively (`console/<name>`) and calls "
        "this API relatively, so it works under a stage or a base path. `/console/` redirects (308) to "
        "`../console`. Served with a strict Content-Security-Policy (scripts and styles of this origin "
        "only; connections to this API and to the imports bucket), `X-Content-Type-Options: nosniff` and "
        "`Referrer-Policy: no-referrer`. No key needed.",
        responses={
            200: Reply("The page.", media_type="text/html", schema={"type": "string"}),
            308: Reply(
                "`/console/`: go to `../console`, the page (its relative URLs need no trailing slash)."
            ),
        },
        errors=(404,),
        public=True,
    ),
    ("GET", "/console/{name}"): Operation(
        operation_id="getConsoleFile",
        tag=TAG,
        summary="A file of the console",
        description="One of the console's files (JavaScript, CSS, SVG, PNG, JSON, WOFF2), by its name in the "
        "console's folder (one sub-folder level allowed: `i18n/fr.json`); any other name is a 404. No key "
        "needed.",
        responses={
            200: Reply(
                "The file.",
                ConsoleData,
                alternatives={media: {"type": "string"} for media in FILE_TYPES},
            )
        },
        errors=(404,),
        public=True,
    ),
}
