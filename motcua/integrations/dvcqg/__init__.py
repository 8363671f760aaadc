"""The national public service portal (Cổng Dịch vụ công quốc gia, DVCQG): MotCua as the
province's back office (issue 14; CONTRACT §8; reference/national-portal.md).

- ``client``: transport, login and session renewal, errors.
- ``mapping``: MotCua's record → the national fields, one readable table.
- ``sync``: the event hook that writes outbox rows and the ``dvcqg`` channel that delivers
  them; ``inbound``: dossiers submitted on the national portal; ``reconcile``: read back
  and repair.
- ``tests/standin.py``: a strict stand-in of the portal for the tests and the demo.
"""
