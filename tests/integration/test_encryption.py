"""Patient data at rest: with a cipher key every stored event is encrypted with the event
store library's AES-GCM cipher, so the raw SQLite file and PostgreSQL table hold none of
a job's patient reference or free text; and the key can be rotated without stopping.
"""

from __future__ import annotations

import io
from pathlib import Path
from uuid import UUID

import pytest
from eventsourcing.cipher import AESCipher
from pydantic import SecretStr

from engine.bootstrap import bootstrap, seed_roster
from engine.clock import ManualClock
from engine.domain.commands import Complete, Rate, SubmitJob, Transition, parse
from engine.domain.values import Reason
from engine.hospital import Hospital
from engine.settings import Settings
from engine.write.application import DispatchApp
from engine.write.eventlog import export_log, import_log
from engine.write.rekey import RekeyError, rekey
from tests.conftest import PG
from tests.unit.projections.scenario import CT

SECRETS = (
    "P-931177",  # the patient reference
    "allergic-to-latex",  # the request's notes
    "vomiting-in-lift",  # a hold note
    "BP-dropped-on-way",  # a failure note
    "cannula-pulled-out",  # an incident note
    "rude-about-patient",  # a complaint
    "Sister-Okafor",  # who received a delivery
    "gentle-with-hip",  # a rating's comment
)


def keyed(store: Settings, key: str, *old: str) -> Settings:
    return store.model_copy(
        update={
            "cipher_key": SecretStr(key),
            "cipher_old_keys": SecretStr(",".join(old)) if old else None,
        }
    )


def patient_history(app: DispatchApp, hospital: Hospital, clock: ManualClock) -> list[UUID]:
    """Two transports of one patient with every free text a job takes."""
    seed_roster(app, hospital, clock.now())
    body = {**CT, "patient_ref": SECRETS[0], "notes": SECRETS[1]}
    body["requirements"] = {"mode": "stretcher"}
    first = app.submit_job(parse(SubmitJob, body), "enc-1")
    app.assign_job(first, ["SU-ESC-01"], "dispatcher")
    app.acknowledge_job(first, "SU-ESC-01")
    app.report_incident(first, "SU-ESC-01", "line_dislodged", SECRETS[4])
    app.hold_job(first, Transition(reason=Reason.PATIENT_NOT_READY, note=SECRETS[2], by="x"))
    app.resume_job(first, "x")
    app.fail_job(first, Transition(reason=Reason.PATIENT_UNWELL, note=SECRETS[3], by="x"))
    app.complain(first, "late", SECRETS[5], "ward:surgery_7")
    second = app.submit_job(parse(SubmitJob, {**body, "notes": ""}), "enc-2")
    app.assign_job(second, ["SU-ESC-02"], "dispatcher")
    app.acknowledge_job(second, "SU-ESC-02")
    app.pick_up_job(second, "SU-ESC-02")
    app.complete_job(second, "SU-ESC-02", Complete(received_by=SECRETS[6]))
    app.rate_job(second, Rate(score=5, comment=SECRETS[7], by="ward:surgery_7"))
    return [first, second]


def raw_bytes(store: Settings) -> bytes:
    """Everything the store keeps: the SQLite file and its write-ahead log, or every
    column of the site's PostgreSQL tables as the server sends them."""
    if store.store == "sqlite":
        path = Path(store.sqlite_path)
        return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    import psycopg

    out = b""
    with psycopg.connect(**PG) as conn:  # type: ignore[arg-type]
        for suffix in ("events", "tracking"):
            table = f"dispatch_{store.site}_{suffix}"
            exists = conn.execute("SELECT to_regclass(%s)", (table,)).fetchone()
            if exists and exists[0]:
                for row in conn.execute(f"SELECT * FROM {table}").fetchall():
                    out += b"|".join(v if isinstance(v, bytes) else str(v).encode() for v in row)
    return out


def test_with_a_key_the_raw_store_holds_no_patient_reference_and_no_free_text(
    store: Settings, clock: ManualClock, hospital: Hospital
) -> None:
    settings = keyed(store, AESCipher.create_key(32))
    app = bootstrap(settings, clock, hospital)
    try:
        first, _ = patient_history(app, hospital, clock)
        assert app.job(first).patient_ref == SECRETS[0]  # the application reads it back
    finally:
        app.close()
    raw = raw_bytes(settings)
    assert b"Submitted" in raw  # the topics are in the clear: what happened, not to whom
    found = [s for s in SECRETS if s.encode() in raw]
    assert found == []


def test_without_a_key_the_same_history_is_in_the_clear(
    store: Settings, clock: ManualClock, hospital: Hospital
) -> None:
    """The test above would pass on a store that never wrote: this shows it can see."""
    app = bootstrap(store, clock, hospital)
    try:
        patient_history(app, hospital, clock)
    finally:
        app.close()
    assert all(s.encode() in raw_bytes(store) for s in SECRETS)


def test_a_key_is_rotated_without_stopping_and_the_old_one_then_opens_nothing(
    store: Settings, clock: ManualClock, hospital: Hospital
) -> None:
    old, new = AESCipher.create_key(32), AESCipher.create_key(16)
    apps: list[DispatchApp] = []

    def opened(*keys: str) -> DispatchApp:
        apps.append(bootstrap(keyed(store, *keys), clock, hospital))
        return apps[-1]

    try:
        first, second = patient_history(opened(old), hospital, clock)
        both = opened(new, old)  # the new key with the old beside it: reads and writes
        assert both.job(first).notes == SECRETS[1]
        later = both.submit_job(parse(SubmitJob, {**CT, "patient_ref": "P-000002"}), "enc-3")
        done = rekey(both)
        assert done.stale == 0
        assert done.resealed > 0
        assert done.current > 0  # the later job was sealed with the new key already
        again = rekey(both)
        assert (again.resealed, again.current) == (0, done.resealed + done.current)
        only_new = opened(new)
        assert only_new.job(second).rating == 5
        assert only_new.job(later).patient_ref == "P-000002"
        with pytest.raises(ValueError, match=r"damaged|tag"):
            opened(old).job(first)
    finally:
        for app in apps:
            app.close()


def test_a_store_written_in_the_clear_is_sealed_only_when_asked(
    store: Settings, clock: ManualClock, hospital: Hospital
) -> None:
    plain = bootstrap(store, clock, hospital)
    key = AESCipher.create_key(32)
    try:
        first, _ = patient_history(plain, hospital, clock)
        sealed = bootstrap(keyed(store, key), clock, hospital, publish_default_policy=False)
        with pytest.raises(RekeyError, match="--from-plaintext"):
            rekey(sealed)
        rekey(sealed, from_plaintext=True, vacuum=True)
        sealed.close()
    finally:
        plain.close()
    assert [s for s in SECRETS if s.encode() in raw_bytes(store)] == []
    reopened = bootstrap(keyed(store, key), clock, hospital)
    try:
        assert reopened.job(first).patient_ref == SECRETS[0]
    finally:
        reopened.close()


def test_an_export_is_plaintext_and_an_import_is_sealed_with_the_stores_key(
    tmp_path: Path, clock: ManualClock, hospital: Hospital
) -> None:
    """The log file is the operator's to keep: readable whatever the store's key."""
    one = Settings(store="sqlite", site="enc", sqlite_path=tmp_path / "one.sqlite")
    two = one.model_copy(update={"sqlite_path": tmp_path / "two.sqlite"})
    source = bootstrap(keyed(one, AESCipher.create_key(32)), clock, hospital)
    target = bootstrap(
        keyed(two, AESCipher.create_key(24)), clock, hospital, publish_default_policy=False
    )
    try:
        first, _ = patient_history(source, hospital, clock)
        out = io.StringIO()
        export_log(source, out)
        assert SECRETS[0] in out.getvalue()
        import_log(target, io.StringIO(out.getvalue()).readlines())
        assert target.job(first).notes == SECRETS[1]
    finally:
        source.close()
        target.close()
    assert SECRETS[0].encode() not in raw_bytes(two)


def test_a_key_that_is_not_an_aes_key_is_refused_at_start_naming_it_but_not_echoing_it() -> None:
    from pydantic import ValidationError

    good = AESCipher.create_key(32)
    for field, bad in (("cipher_key", "not-base64!"), ("cipher_key", "c2hvcnRrZXk=")):
        with pytest.raises(ValidationError, match=field) as caught:
            Settings(**{field: bad})
        assert bad not in str(caught.value)
    with pytest.raises(ValidationError, match="cipher_old_keys") as caught:
        Settings(cipher_key=good, cipher_old_keys=f"{good},bm9wZQ==")
    assert good not in str(caught.value)


def test_the_command_line_rotates_the_configured_sites_key(
    tmp_path: Path, clock: ManualClock, hospital: Hospital, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cli.main import main

    old, new = AESCipher.create_key(32), AESCipher.create_key(32)
    settings = Settings(store="sqlite", site="cli", sqlite_path=tmp_path / "cli.sqlite")
    app = bootstrap(keyed(settings, old), clock, hospital)
    first = patient_history(app, hospital, clock)[0]
    app.close()
    for name, value in (
        ("STORE", "sqlite"),
        ("SITE", "cli"),
        ("SQLITE_PATH", str(tmp_path / "cli.sqlite")),
    ):
        monkeypatch.setenv(f"DISPATCH_{name}", value)
    monkeypatch.setenv("DISPATCH_CIPHER_KEY", new)
    assert main(["rotate-key"]) == 2  # the old key is not given: nothing opens
    monkeypatch.setenv("DISPATCH_CIPHER_OLD_KEYS", old)
    assert main(["rotate-key", "--vacuum"]) == 0
    reopened = bootstrap(keyed(settings, new), clock, hospital)
    assert reopened.job(first).notes == SECRETS[1]
    reopened.close()
