"""``yamlio.safe_load``: the values and the errors of ``yaml.safe_load``, on every YAML file the package ships."""

from pathlib import Path

import pytest
import yaml

import sanctionwatch
from sanctionwatch import yamlio

SHIPPED = sorted(Path(sanctionwatch.__file__).parent.rglob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_file_reads_as_safe_load_reads_it(path):
    text = path.read_text(encoding="utf-8")
    assert yamlio.safe_load(text) == yaml.safe_load(text)


def test_errors_are_yaml_errors_with_the_line():
    with pytest.raises(yaml.YAMLError) as err:
        yamlio.safe_load("a: 1\nb: [2, 3\nc: 4\n")
    assert err.value.problem_mark is not None and err.value.problem_mark.line >= 1


def test_unsafe_tags_are_refused():
    with pytest.raises(yaml.YAMLError):
        yamlio.safe_load("!!python/object/apply:os.system ['true']")
