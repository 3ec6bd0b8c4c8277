"""Events at rest are encrypted with the event store library's own AES-GCM cipher.

The library encrypts each event's state with one key (`CIPHER_KEY`) and has no
notion of rotating it. `KeyRing` is its `AESCipher` with older keys beside the
current one: it always encrypts with the current key and opens an event with
whichever key sealed it (GCM's tag tells a wrong key from the right one, so
trying them in turn is safe). A site can so take a new key without stopping:
every process gets the new key and the old ones, new events are sealed with the
new key, and `engine.write.rekey` re-seals the old events, after which the old
keys can be dropped.
"""

from __future__ import annotations

from eventsourcing.cipher import AESCipher
from eventsourcing.utils import Environment

OLD_KEYS = "CIPHER_OLD_KEYS"


class KeyRing(AESCipher):
    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        old = environment.get(OLD_KEYS) or ""
        self.old = [
            AESCipher(Environment(env={self.CIPHER_KEY: key.strip()}))
            for key in old.split(",")
            if key.strip()
        ]

    def decrypt(self, ciphertext: bytes) -> bytes:
        """Open with the current key, else with the old ones, newest first."""
        try:
            return super().decrypt(ciphertext)
        except ValueError:
            for cipher in self.old:
                try:
                    return cipher.decrypt(ciphertext)
                except ValueError:
                    continue
            raise

    def is_current(self, ciphertext: bytes) -> bool:
        """Sealed with the current key (nothing to re-seal)."""
        try:
            super().decrypt(ciphertext)
        except ValueError:
            return False
        return True
