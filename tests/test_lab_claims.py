"""The lab quotes the seed verbatim: every excerpt and translation matches docs/seed/."""

from pathlib import Path

import pytest

from neuralab.lab.claims import CLAIMS

SEED = Path(__file__).parent.parent / "docs" / "seed"


@pytest.fixture(scope="module")
def seed_text():
    return (SEED / "first-look-at-neural-networks.zh.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def translations():
    """Claim id -> the translation column of docs/seed/CLAIMS.md."""
    rows = {}
    for line in (SEED / "CLAIMS.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.split(" | ")]
        if line.startswith("| C") and len(cells) >= 3:
            rows[cells[0].lstrip("| ")] = cells[1].replace("\\|", "|")
    return rows


def test_every_claim_of_claims_md_is_in_the_lab(translations):
    assert sorted(CLAIMS, key=lambda c: int(c[1:])) == [f"C{i}" for i in range(1, 13)]
    assert set(translations) == set(CLAIMS)


@pytest.mark.parametrize("claim", sorted(CLAIMS))
def test_excerpts_are_the_seeds_own_words_in_order(seed_text, claim):
    positions = [seed_text.find(excerpt) for excerpt in CLAIMS[claim].seed]
    assert all(p >= 0 for p in positions), CLAIMS[claim].seed
    assert positions == sorted(positions)


@pytest.mark.parametrize("claim", sorted(CLAIMS))
def test_translation_is_the_one_in_claims_md(translations, claim):
    assert CLAIMS[claim].translation == translations[claim]
