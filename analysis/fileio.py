"""Writing result files so that nothing is lost: a temporary name in the target's directory, renamed
into place only when complete (an interrupted write leaves the old file, if any, untouched)."""
from __future__ import annotations

import contextlib
import os
import tempfile


@contextlib.contextmanager
def replaced_atomically(out: str):
    """Yields a temporary path next to ``out``; on success it becomes ``out`` (mode 0644), on any error it is removed."""
    d = os.path.dirname(os.path.abspath(out))
    fd, tmp = tempfile.mkstemp(prefix=os.path.basename(out) + ".tmp-", dir=d)
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
