"""Frozen dataclasses with a quick `__init__` behave exactly as `dataclasses` makes them."""

from __future__ import annotations

import copy
import dataclasses
import importlib
import pickle
import pkgutil
from dataclasses import dataclass

import pytest

import builder
from builder.records import only_stores, quick_init

FIELDS = [
    ("name", str),
    ("count", int),
    ("tags", tuple[str, ...], dataclasses.field(default=())),
    ("note", str | None, dataclasses.field(default=None, compare=False, repr=False)),
]


def _made(name: str) -> type:
    """A frozen, slotted, ordered dataclass of FIELDS, picklable from this module."""
    cls = dataclasses.make_dataclass(name, FIELDS, frozen=True, slots=True, order=True)
    cls.__module__ = __name__
    return cls


# Twins from the same fields: one as `dataclasses` makes it, one made quick.
Stock = _made("Stock")
Quick = quick_init(_made("Quick"))


def _twin(quick: Quick) -> Stock:
    return Stock(*(getattr(quick, f.name) for f in dataclasses.fields(Quick)))


@pytest.mark.parametrize("args, kwargs", [
    (("a", 1), {}),
    (("a", 1, ("x",)), {}),
    (("a",), {"count": 2, "note": "n"}),
    ((), {"name": "b", "count": 3, "tags": ("y", "z"), "note": None}),
])
def test_made_as_dataclasses_makes_it(args: tuple[object, ...], kwargs: dict[str, object]) -> None:
    quick, stock = Quick(*args, **kwargs), Stock(*args, **kwargs)  # type: ignore[arg-type]
    assert [getattr(quick, f.name) for f in dataclasses.fields(Quick)] == \
        [getattr(stock, f.name) for f in dataclasses.fields(Stock)]
    assert repr(quick).replace("Quick", "Stock") == repr(stock)
    assert hash(quick) == hash(stock) and quick == Quick(*args, **kwargs)  # type: ignore[arg-type]
    assert (quick < Quick("zz", 0)) == (stock < Stock("zz", 0))
    assert pickle.loads(pickle.dumps(quick)) == quick
    assert copy.deepcopy(quick) == quick
    assert dataclasses.replace(quick, count=9) == Quick(quick.name, 9, quick.tags)
    with pytest.raises(dataclasses.FrozenInstanceError):
        quick.count = 5  # type: ignore[misc]
    assert _twin(quick) == stock


def test_wrong_arguments_fail_as_they_would() -> None:
    for args, kwargs in [((), {}), (("a",), {}), (("a", 1), {"colour": "red"}),
                         (("a", 1), {"name": "b"}), (("a", 1, (), None, "extra"), {})]:
        with pytest.raises(TypeError):
            Stock(*args, **kwargs)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            Quick(*args, **kwargs)  # type: ignore[arg-type]


def test_an_init_that_does_more_is_left_alone() -> None:
    @dataclass(frozen=True, slots=True)
    class Later:
        items: list[int] = dataclasses.field(default_factory=list)

    @dataclass(frozen=True, slots=True)
    class Checked:
        n: int

        def __post_init__(self) -> None:
            if self.n < 0:
                raise ValueError("negative")

    for cls in (Later, Checked):
        init = cls.__init__
        assert quick_init(cls).__init__ is init
    assert Later().items == []
    with pytest.raises(ValueError):
        Checked(-1)


def test_only_frozen_slotted_dataclasses() -> None:
    @dataclass(slots=True)
    class Open:
        n: int

    with pytest.raises(TypeError):
        quick_init(Open)


def test_every_frozen_slotted_dataclass_of_the_package_is_quick() -> None:
    """New ones too (the build makes hundreds of thousands of them), but for those whose
    `__init__` does more than store its arguments."""
    slow = []
    for info in pkgutil.iter_modules(builder.__path__):
        if info.name == "__main__":  # runs the command line
            continue
        module = importlib.import_module(f"builder.{info.name}")
        for value in vars(module).values():
            if (isinstance(value, type) and value.__module__ == module.__name__
                    and dataclasses.is_dataclass(value) and value.__dataclass_params__.frozen
                    and "__slots__" in value.__dict__ and only_stores(value)
                    and not any(n.startswith("_set_") for n in value.__init__.__code__.co_names)):
                slow.append(f"{module.__name__}.{value.__name__}")
    assert slow == []
