"""The stream writes its events itself: exactly the bytes FastAPI's SSE formatter would."""

from __future__ import annotations

from typing import Any

from fastapi.sse import format_sse_event
from hypothesis import given
from hypothesis import strategies as st
from pydantic_core import to_json

from api.routers.events import _sse

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=10,
)


@given(
    JSON, st.sampled_from(["Job.Submitted", "notice", "hello", "alert"]), st.none() | st.integers(0)
)
def test_an_event_is_written_as_fastapis_formatter_writes_it(
    data: Any, event: str, position: int | None
) -> None:
    expected = format_sse_event(
        data_str=to_json(data).decode(), event=event, id=None if position is None else str(position)
    )
    assert _sse(data, event, position) == expected
