"""The national population database (Cơ sở dữ liệu quốc gia về dân cư) at the counter.

An officer at the desk types a citizen's ID number (with the name and year of birth when the
province's gateway asks for them) and a reason; the province's integration gateway answers
with the name, date of birth and permanent address, which pre-fill the intake form and are
kept nowhere else. Every query is audited (:class:`models.PopulationQuery`: officer, time,
unit, dossier, reason, the keyed hash of the ID number, outcome) and rate-limited per officer.

- :mod:`.providers`: the adapter interface, the errors, and the provider chosen by
  ``MOTCUA_POPULATION_PROVIDER`` (empty: off; ``sandbox``: fake citizens for the demo;
  ``http``: the province's gateway).
- :mod:`.sandbox`: deterministic fake citizens, labelled "DỮ LIỆU THỬ NGHIỆM".
- :mod:`.gateway`: the HTTP adapter for the province's integration gateway.
- :mod:`.services`: the one lookup function the intake page and its JSON endpoint call.
"""
