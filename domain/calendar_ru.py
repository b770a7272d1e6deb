"""The federal production calendar of Russia shipped with Letopis (2026 and 2027).

Sources and assumptions are in docs/exams.md ("Production calendar"). In short: 2026 follows
Labour Code art. 112 and the government resolution on moving days off in 2026 (no working
Saturdays that year); 2027 is PROVISIONAL — art. 112 only, because the resolution moving the
two January holidays that fall on the weekend (2 and 3 January 2027) is not encoded yet. A
region replaces it by loading its own file (`letopis.calendars.load_calendar`).
"""

from __future__ import annotations

from domain.calendar import ProductionCalendar, parse_calendar

RUSSIA_TEXT = """\
region Российская Федерация
year 2026
off 2026-01-01  # Новогодние каникулы
off 2026-01-02
off 2026-01-05
off 2026-01-06
off 2026-01-07  # Рождество Христово
off 2026-01-08
off 2026-01-09  # перенос с субботы 3 января
off 2026-02-23  # День защитника Отечества
off 2026-03-09  # перенос с воскресенья 8 марта (ст. 112 ТК РФ)
off 2026-05-01  # Праздник Весны и Труда
off 2026-05-11  # перенос с субботы 9 мая (ст. 112 ТК РФ)
off 2026-06-12  # День России
off 2026-11-04  # День народного единства
off 2026-12-31  # перенос с воскресенья 4 января

year 2027  # PROVISIONAL: art. 112 only; replace when the 2027 resolution is loaded
off 2027-01-01
off 2027-01-04
off 2027-01-05
off 2027-01-06
off 2027-01-07
off 2027-01-08
off 2027-02-23
off 2027-03-08
off 2027-05-03  # перенос с субботы 1 мая (ст. 112 ТК РФ)
off 2027-05-10  # перенос с воскресенья 9 мая (ст. 112 ТК РФ)
off 2027-06-14  # перенос с субботы 12 июня (ст. 112 ТК РФ)
off 2027-11-04
"""

RUSSIA: ProductionCalendar = parse_calendar(RUSSIA_TEXT)
