"""A Django serialization format ("mcjson") that is Django's JSON with exact times.

Django's JSON encoder cuts datetimes and times to milliseconds (ECMA-262 style); a history
event's hash covers its time to the microsecond, so a dump in plain JSON restores into a
database whose every hash chain is broken. This format writes ``isoformat()`` in full; the
deserializer is Django's own (it parses microseconds).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.serializers.json import Deserializer as JsonDeserializer
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.json import Serializer as JsonSerializer


class ExactEncoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


class Serializer(JsonSerializer):
    def _init_options(self) -> None:
        super()._init_options()  # type: ignore[misc]
        self.json_kwargs["cls"] = ExactEncoder


Deserializer = JsonDeserializer
