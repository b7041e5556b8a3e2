"""Stock as data (inventory.py) and the `stock` and `margin` commands."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

import textledger
from tests.cli_run import run
from textledger import Amount
from textledger.inventory.stock import (
    Item,
    gross_margin,
    is_inventory_account,
    items,
    low_stock,
    stock_positions,
)

STUDIO = Path(__file__).resolve().parents[2] / "journals" / "studio.journal"

SHOP = """\
commodity $1,000.00
commodity 1. PRINTS  ; costing: average, reorder: 5, unit: sheet, name: "Harbor print"
commodity 1. FRAMES  ; reorder: 2
account Assets:Stockroom  ; type: inventory

2026-01-01 buy
    Assets:Inventory:Studio     10 PRINTS @ $6.00
    Assets:Stockroom             4 FRAMES @ $20.00
    Liabilities:Payable:Lumina
2026-01-10 sale, tagged revenue
    Assets:Receivable:Acme      $150.00
    Income:Sales               $-100.00  ; item: FRAMES
    Income:Sales                $-50.00  ; item: PRINTS
    Assets:Inventory:Studio     -2 PRINTS
    Assets:Stockroom            -2 FRAMES
    Expenses:Cost of Goods Sold
2026-02-10 sale, revenue shared by cost
    Assets:Receivable:Acme      $104.00
    Income:Sales               $-104.00
    Assets:Inventory:Studio     -4 PRINTS
    Assets:Stockroom            -1 FRAMES
    Expenses:Cost of Goods Sold
2026-02-12 write-off
    Assets:Inventory:Studio     -1 PRINTS
    Expenses:Inventory Shrinkage
"""


@pytest.fixture
def shop(tmp_path):
    path = tmp_path / "shop.journal"
    path.write_text(SHOP, encoding="utf-8")
    return path


def test_items_come_from_declarations_and_purchases():
    journal = textledger.loads(SHOP)
    assert items(journal) == {
        "PRINTS": Item(symbol="PRINTS", costing="average", reorder=Decimal(5), unit="sheet", name="Harbor print"),
        "FRAMES": Item(symbol="FRAMES", reorder=Decimal(2)),
    }
    assert is_inventory_account(journal, "Assets:Stockroom")
    assert is_inventory_account(journal, "Assets:Inventory:Studio")
    assert not is_inventory_account(journal, "Assets:Receivable:Acme")


def test_stock_positions_per_item_and_location_on_a_date():
    journal = textledger.loads(SHOP)
    [frames, prints] = stock_positions(journal, as_of=dt.date(2026, 1, 31))
    assert (frames.item, frames.location, frames.quantity, frames.value) == (
        "FRAMES", "Assets:Stockroom", Decimal(2), Amount(Decimal("40.00"), "$"))
    assert (prints.quantity, prints.value, prints.unit_cost) == (Decimal(8), Amount(Decimal("48.00"), "$"), Decimal(6))
    assert [p.item for p in stock_positions(journal, location="studio")] == ["PRINTS"]


def test_low_stock_counts_all_locations_against_the_reorder_point():
    journal = textledger.loads(SHOP)
    assert [(low.item.symbol, low.quantity) for low in low_stock(journal)] == [("FRAMES", 1), ("PRINTS", 3)]
    assert [low.item.symbol for low in low_stock(journal, dt.date(2026, 1, 31))] == ["FRAMES"]


def test_margin_attributes_tagged_revenue_and_shares_the_rest_by_cost():
    rows = {row.item: row for row in gross_margin(textledger.loads(SHOP))}
    # February: $104 shared by cost, PRINTS $24.00 and FRAMES $20.00 of $44.00
    assert rows["PRINTS"].revenue == Amount(Decimal("50.00") + Decimal("56.73"), "$")
    assert rows["FRAMES"].revenue == Amount(Decimal("100.00") + Decimal("47.27"), "$")
    # the write-off is not a sale
    assert (rows["PRINTS"].units, rows["PRINTS"].cost) == (Decimal(6), Amount(Decimal("36.00"), "$"))
    assert rows["FRAMES"].margin == Amount(Decimal("87.27"), "$")
    assert rows["FRAMES"].percent == Decimal("59.3")


def test_margin_for_a_period():
    [frames, prints] = gross_margin(textledger.loads(SHOP), dt.date(2026, 2, 1), dt.date(2026, 3, 1))
    assert (prints.units, prints.revenue.quantity, frames.units) == (Decimal(4), Decimal("56.73"), Decimal(1))


def test_stock_command_text_csv_json(shop, capsys):
    code, out, _ = run(capsys, "-f", str(shop), "stock")
    assert code == 0
    assert out.splitlines()[0] == "Stock at cost on 2026-02-12"
    assert "PRINTS  Assets:Inventory:Studio           3        $6.00   $18.00" in out
    assert out.rstrip().endswith("Total                                                      $38.00")
    code, out, _ = run(capsys, "-f", str(shop), "stock", "-O", "csv", "--as-of", "2026-01-31")
    assert out.splitlines()[1:] == ["FRAMES,Assets:Stockroom,2,$,20.00,40.00",
                                    "PRINTS,Assets:Inventory:Studio,8,$,6.00,48.00"]
    code, out, _ = run(capsys, "-f", str(shop), "stock", "-O", "json", "--location", "Stock")
    assert json.loads(out)["total"] == [{"commodity": "$", "value": "20.00"}]


def test_stock_low_command(shop, capsys):
    code, out, _ = run(capsys, "-f", str(shop), "stock", "--low")
    assert code == 0
    assert "FRAMES                        1                2  each" in out
    assert "PRINTS  Harbor print          3                5  sheet" in out


def test_margin_command(shop, capsys):
    code, out, _ = run(capsys, "-f", str(shop), "margin", "-p", "2026-02")
    assert code == 0
    assert out.splitlines()[0] == "Gross margin per item, 2026-02-01 to 2026-02-28"
    code, out, _ = run(capsys, "-f", str(shop), "margin", "-O", "csv")
    assert out.splitlines()[-1] == "total,,$,254.00,96.00,158.00,62.2"


@pytest.mark.parametrize("argv, message", [
    (["stock", "--location", "("], "--location: bad regular expression '('"),
    (["stock", "--low", "--location", "x"], "--low counts every location together"),
])
def test_stock_usage_errors(shop, capsys, argv, message):
    code, _, err = run(capsys, "-f", str(shop), *argv)
    assert code == 2 and message in err


def test_selling_more_than_on_hand_exits_1_with_the_line(tmp_path, capsys):
    path = tmp_path / "short.journal"
    path.write_text(SHOP.replace("-4 PRINTS", "-9 PRINTS"), encoding="utf-8")
    code, _, err = run(capsys, "-f", str(path), "stock")
    assert code == 1
    assert f"{path}:20:33: taking 9 PRINTS from Assets:Inventory:Studio, but only 8 are on hand on 2026-02-10" in err
    assert "Traceback" not in err


def test_studio_stock_value_is_the_inventory_line_of_the_balance_sheet(capsys):
    code, out, _ = run(capsys, "-f", str(STUDIO), "stock", "-O", "json")
    assert code == 0
    [total] = json.loads(out)["total"]
    code, out, _ = run(capsys, "-f", str(STUDIO), "bs", "-O", "json")
    rows = [row for section in json.loads(out)["sections"] for row in section["rows"]]
    [inventory] = [row for row in rows if row["account"] == "Assets:Inventory"]
    assert inventory["amounts"] == [[{"commodity": "$", "amount": total["value"]}]]


def test_studio_low_stock_and_margin(capsys):
    code, out, _ = run(capsys, "-f", str(STUDIO), "stock", "--low", "-O", "json")
    assert code == 0 and "items" in json.loads(out)
    code, out, _ = run(capsys, "-f", str(STUDIO), "margin", "-O", "json")
    assert code == 0 and {row["item"] for row in json.loads(out)["items"]} >= {"PRINTHARBOR", "FRAMEOAK"}


def test_studio_trial_balance_has_stock_at_cost_and_no_item_units(capsys):
    code, out, _ = run(capsys, "-f", str(STUDIO), "stock", "-O", "json")
    [total] = json.loads(out)["total"]
    code, out, _ = run(capsys, "-f", str(STUDIO), "trial", "-O", "json")
    assert code == 0
    rows = json.loads(out)["rows"]
    stock = [row["debit"][0] for row in rows if row["account"].startswith("Assets:Inventory:")]
    assert sum(Decimal(amount["amount"]) for cell in stock for amount in cell) == Decimal(total["value"])
    held = {amount["commodity"] for row in rows for side in ("debit", "credit")
            for cell in row[side] for amount in cell}
    assert held <= {"$", "EUR"}  # prints and frames appear at cost, never as units


MIXED_INVOICE = """\
commodity $1,000.00
commodity 1. SOAP
2026-11-01 buy
    Assets:Inventory:Studio     10 SOAP @ $2.00
    Liabilities:Payable:Lumina
2026-11-10 invoice with a workshop and soap
    Assets:Receivable:Acme      $1,980.00
    Income:Workshops           $-1,800.00
    Income:Product Sales         $-180.00  ; item: SOAP
    Assets:Inventory:Studio      -2 SOAP
    Expenses:Cost of Goods Sold
"""


def test_margin_leaves_the_untagged_service_lines_of_a_tagged_sale_out():
    """Issue 17, defect 1: once a sale tags the revenue of its items, its untagged lines
    (a workshop) are services, not the items' revenue."""
    [soap] = gross_margin(textledger.loads(MIXED_INVOICE))
    assert (soap.revenue, soap.cost, soap.percent) == (Amount(Decimal("180.00"), "$"), Amount(Decimal("4.00"), "$"),
                                                      Decimal("97.8"))
