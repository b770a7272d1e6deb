"""Payment statement parsers: every format variant reads to the same rows; every defect is an
error naming the file, the line and the column (or, when lenient, an unparseable line)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from letopis.reconciliation.layout import ColumnMapping, StatementError
from letopis.reconciliation.statement import StatementOptions, load_statement

RU = "Номер платёжного поручения;Дата;Сумма;ИНН плательщика;ИНН/счёт получателя;" \
     "Назначение платежа"
EN = "Payment order number,Date,Amount,Payer INN,Payee INN,Purpose"
PAYER, PAYEE = "7707083893", "7728168971"
EXPECTED = [(2, "17", date(2026, 10, 5), 123_456_78, PAYER, PAYEE, None, "Аванс за 09.2026"),
            (3, "18", date(2026, 10, 6), 5_00, PAYER, PAYEE, None, "Счёт за 09.2026")]


def read(data: bytes, tmp_path: Path, name: str = "statement.csv",
         options: StatementOptions | None = None) -> list[tuple[object, ...]]:
    con = duckdb.connect()
    load_statement(con, data, name, options or StatementOptions(), tmp_path)
    return con.execute("SELECT line_no, number, dated, amount, payer_inn, payee_inn, "
                       "payee_account, purpose FROM statement ORDER BY line_no").fetchall()


def ru_lines(amounts: tuple[str, str] = ("123 456,78", "5,00"),
             dates: tuple[str, str] = ("05.10.2026", "06.10.2026")) -> str:
    return (f"{RU}\n17;{dates[0]};{amounts[0]};{PAYER};{PAYEE};Аванс за 09.2026\n"
            f"18;{dates[1]};{amounts[1]};{PAYER};{PAYEE};Счёт за 09.2026\n")


@pytest.mark.parametrize(("encoding", "prefix"), [
    ("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1251", b"")])
def test_csv_in_utf8_with_or_without_bom_and_in_windows_1251(
        encoding: str, prefix: bytes, tmp_path: Path) -> None:
    assert read(prefix + ru_lines().encode(encoding), tmp_path) == EXPECTED


def test_comma_separator_with_quoted_decimal_comma_and_iso_dates(tmp_path: Path) -> None:
    text = (f"{EN}\n17,2026-10-05,\"123 456,78\",{PAYER},{PAYEE},Аванс за 09.2026\n"
            f"18,2026-10-06,5.00,{PAYER},{PAYEE},Счёт за 09.2026\r\n")
    assert read(text.encode(), tmp_path) == EXPECTED


def test_decimal_point_nbsp_thousands_and_crlf(tmp_path: Path) -> None:
    text = ru_lines(("123\u00a0456.78", "5")).replace("\n", "\r\n")
    assert read(text.encode("cp1251"), tmp_path) == EXPECTED


def test_a_twenty_digit_payee_is_an_account(tmp_path: Path) -> None:
    text = f"{RU}\n17;05.10.2026;1,00;{PAYER};40601810200003000001;x\n"
    rows = read(text.encode(), tmp_path)
    assert rows[0][5:7] == (None, "40601810200003000001")


def test_column_mapping_inline_and_from_a_file(tmp_path: Path) -> None:
    text = (f"№ п/п;Дата документа;Сумма, руб.;ИНН Пл.;ИНН Пол.;Текст\n"
            f"17;05.10.2026;123 456,78;{PAYER};{PAYEE};Аванс за 09.2026\n"
            f"18;06.10.2026;5,00;{PAYER};{PAYEE};Счёт за 09.2026\n").encode()
    inline = "number=№ п/п,date=Дата документа,amount=Сумма, руб."
    with pytest.raises(StatementError, match="is not field=header"):
        ColumnMapping.parse(inline)  # a comma inside a header needs the mapping file
    mapping = tmp_path / "columns.txt"
    mapping.write_text("# bank X\nnumber=№ п/п\ndate=Дата документа\namount=Сумма, руб.\n"
                       "payer_inn=ИНН Пл.\npayee_inn=ИНН Пол.\npurpose=Текст\n",
                       encoding="utf-8")
    options = StatementOptions(columns=ColumnMapping.parse(str(mapping)))
    assert read(text, tmp_path, options=options) == EXPECTED
    short = text.replace("Сумма, руб.".encode(), "Сумма".encode())
    inline_ok = ColumnMapping.parse("number=№ п/п,date=Дата документа,payer_inn=ИНН Пл.,"
                                    "payee_inn=ИНН Пол.,purpose=Текст")
    assert read(short, tmp_path, options=StatementOptions(columns=inline_ok)) == EXPECTED


def test_xlsx_with_numbers_dates_and_text(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(RU.split(";"))
    sheet.append([17, datetime(2026, 10, 5), 123456.78, PAYER, int(PAYEE), "Аванс за 09.2026"])
    sheet.append(["18", "06.10.2026", "5,00", PAYER, PAYEE, "Счёт за 09.2026"])
    path = tmp_path / "statement.xlsx"
    book.save(path)
    assert read(path.read_bytes(), tmp_path, "statement.xlsx") == EXPECTED


def test_xlsx_with_several_sheets_is_refused(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.create_sheet("Лист2")
    path = tmp_path / "statement.xlsx"
    book.save(path)
    with pytest.raises(StatementError, match=r"statement.xlsx: the workbook has 2 sheets"):
        read(path.read_bytes(), tmp_path, "statement.xlsx")


@pytest.mark.parametrize(("data", "message"), [
    (b"", "statement.csv: the file is empty"),
    (b"\xef\xbb\xbf \r\n", "statement.csv: the file is empty"),
    (RU.encode() + b"\n", "statement.csv: the file has a header but no payment lines"),
    ("Номер;Дата;Сумма\n1;05.10.2026;1,00\n".encode(),
     "statement.csv: line 1: missing required column(s) payer_inn"),
    (ru_lines(("12,345", "5,00")).encode(),
     "statement.csv: line 2, column 'Сумма': malformed amount '12,345'"),
    (ru_lines(("-5,00", "5,00")).encode(), "line 2, column 'Сумма': malformed amount '-5,00'"),
    (ru_lines(("5,00", "0")).encode(), "line 3, column 'Сумма': zero amount"),
    (ru_lines(dates=("05.10.2026", "2026-13-01")).encode(),
     "line 3, column 'Дата': malformed date '2026-13-01'"),
    (ru_lines().replace(PAYER, "12345", 1).encode(),
     "line 2, column 'ИНН плательщика': malformed payer INN '12345'"),
    ((ru_lines() + "19;05.10.2026;1,00;1;2;3;4\n").encode(), "line 4: wrong number of fields"),
])
def test_bad_input_names_file_line_and_column(data: bytes, message: str,
                                              tmp_path: Path) -> None:
    con = duckdb.connect()
    with pytest.raises(StatementError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_statement(con, data, "statement.csv", StatementOptions(), tmp_path)
    tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
    assert "statement" not in tables


def test_a_forced_encoding_that_does_not_fit_is_an_error_with_line_and_byte(
        tmp_path: Path) -> None:
    data = ru_lines().encode("cp1251")
    with pytest.raises(StatementError, match=r"line 1, byte 1: not valid utf-8"):
        read(data, tmp_path, options=StatementOptions(encoding="utf-8"))


def test_lenient_classifies_defective_lines_and_keeps_the_others(tmp_path: Path) -> None:
    text = ru_lines(("12,345", "5,00")) + "19;05.10.2026;1,00;1;2;3;4\n"
    con = duckdb.connect()
    load_statement(con, text.encode(), "s.csv", StatementOptions(lenient=True), tmp_path)
    rows = con.execute("SELECT line_no, amount, defect_column, defect FROM statement "
                       "ORDER BY line_no").fetchall()
    assert [(r[0], r[1], r[2]) for r in rows] == [(2, None, "Сумма"), (3, 500, None),
                                                  (4, None, None)]
    assert rows[0][3].startswith("malformed amount '12,345'")
    assert rows[2][3].startswith("wrong number of fields")


def test_blank_lines_keep_the_line_numbers_of_the_file(tmp_path: Path) -> None:
    text = ru_lines().replace("\n18;", "\n\n18;")
    assert [r[0] for r in read(text.encode(), tmp_path)] == [2, 4]


def test_the_documented_examples_parse(tmp_path: Path) -> None:
    examples = Path(__file__).resolve().parents[2] / "docs" / "examples"
    csv_rows = read((examples / "statement-cp1251.csv").read_bytes(), tmp_path)
    assert [(r[0], r[3]) for r in csv_rows] == [(2, 960_000), (3, 240_000), (4, 100_000)]
    assert csv_rows[2][6] == "40601810200003000001"
    xlsx_rows = read((examples / "statement.xlsx").read_bytes(), tmp_path, "statement.xlsx")
    assert [(r[0], r[2], r[3]) for r in xlsx_rows] == [(2, date(2026, 10, 20), 960_000),
                                                       (3, date(2026, 10, 20), 240_000)]
    mapping = ColumnMapping.parse(str(examples / "columns.txt"))
    assert mapping.headers["amount"] == "Сумма, руб."
