"""A page of rows without counting them all: one row more than a page tells whether there is a next one
(counting every matching row is slow on a province's million)."""

from dataclasses import dataclass


@dataclass
class Page:
    rows: list
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1
