"""Runs localstripe with its state in the project's data folder, saved at most once a second.

localstripe as published does two things whose cost grows with everything ever
created, so a run of thousands of rent charges slows to a crawl (measured: 300
charges/s falling under 20/s after 4,000):
- it pickles its whole store to a fixed /tmp/localstripe.pickle after every
  write (and two runs on one machine share that file);
- listing objects of one type scans the whole store, and every charge lists its
  refunds that way each time it is serialized.
This launcher keeps localstripe's behaviour (state survives a restart; same API)
but writes the store to STATE_FILE from the server's own event loop once a
second when it changed (less often once the store is large: saving takes at
most a tenth of the time) and on shutdown, and keeps an index of objects by type
for listing. Arguments are localstripe's (--port, --from-scratch).
"""
import asyncio
import os
import pickle
import sys
import time

from localstripe import resources, server

STATE_FILE = os.environ.get('LOCALSTRIPE_STATE_FILE', os.path.abspath('localstripe.pickle'))
_dirty = False


def _load(store):
    try:
        with open(STATE_FILE, 'rb') as f:
            old = pickle.load(f)
    except FileNotFoundError:
        return
    store.clear()
    store.update(old)


class IndexedStore(resources.Store):
    """The store, with its keys also grouped by object type (`type:id`)."""

    def __init__(self):
        super().__init__()
        self.by_type = {}

    def __setitem__(self, key, value):
        dict.__setitem__(self, key, value)
        self.by_type.setdefault(key.split(':', 1)[0], {})[key] = value
        _mark_dirty(self)

    def __delitem__(self, key):
        dict.__delitem__(self, key)
        self.by_type.get(key.split(':', 1)[0], {}).pop(key, None)
        _mark_dirty(self)

    def clear(self):
        dict.clear(self)
        self.by_type.clear()

    def update(self, other):
        for key, value in dict(other).items():
            self[key] = value


def _list_all(cls, url, limit=None, starting_after=None, **kwargs):
    if kwargs:
        raise resources.UserError(400, 'Unexpected ' + ', '.join(kwargs.keys()))
    li = resources.List(url, limit=limit, starting_after=starting_after)
    li._list = list(resources.store.by_type.get(cls.object, {}).values())
    return li


def _mark_dirty(_store):
    global _dirty
    _dirty = True


def _flush():
    global _dirty
    if not _dirty:
        return
    _dirty = False
    tmp = STATE_FILE + '.tmp'
    with open(tmp, 'wb') as f:
        pickle.dump(dict(resources.store), f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, STATE_FILE)


async def _flush_every_second(_app):
    # Pickling a large store blocks the server while it runs: wait at least ten
    # times as long as the last save took, so saving never costs over a tenth of its time.
    async def loop():
        pause = 1.0
        while True:
            await asyncio.sleep(pause)
            started = time.monotonic()
            _flush()
            pause = max(1.0, 10 * (time.monotonic() - started))

    task = asyncio.get_running_loop().create_task(loop())

    async def stop(_app):
        task.cancel()
        _flush()

    server.app.on_shutdown.append(stop)


# Every module refers to the one store object, so it is re-classed in place.
resources.store.__class__ = IndexedStore
resources.store.by_type = {}
resources.StripeObject._api_list_all = classmethod(_list_all)
resources.Store.try_load_from_disk = _load
resources.Store.dump_to_disk = _mark_dirty
server.app.on_startup.append(_flush_every_second)

if __name__ == '__main__':
    sys.argv[0] = 'localstripe'
    server.start()
