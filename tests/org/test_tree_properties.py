"""The tree's materialised paths, for any sequence of moves: each unit's path is its parent's path plus one
fixed-width step, depth and province follow, and the path steps encode numbers in order."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from soisua.core.actors import SYSTEM
from soisua.org import services
from soisua.org.models import PATH_ALPHABET, PATH_STEP, Member, Unit
from tests.factories import make_member, make_unit

LARGEST_STEP = len(PATH_ALPHABET) ** PATH_STEP - 1


@given(st.integers(0, LARGEST_STEP), st.integers(0, LARGEST_STEP))
def test_path_steps_have_a_fixed_width_and_keep_the_order_of_numbers(first, second):
    encoded = services.encode_path_step(first), services.encode_path_step(second)

    assert len(encoded[0]) == len(encoded[1]) == PATH_STEP
    assert int(encoded[0], len(PATH_ALPHABET)) == first
    assert (encoded[0] < encoded[1]) == (first < second)


def test_a_step_beyond_the_largest_is_refused():
    with pytest.raises(services.OrgError):
        services.encode_path_step(LARGEST_STEP + 1)


def build_tree() -> list[Unit]:
    """A province with a district (communes move between the province and the district, changing depth), three
    communes and six cells: eleven units."""
    province = make_unit(None, "province", "Tỉnh ủy Thử nghiệm")
    district = make_unit(province, "district", "Huyện ủy Thử nghiệm")
    units = [province, district]
    for number in range(3):
        commune = make_unit(district if number == 0 else province, "commune", f"Đảng ủy xã {number}")
        units.append(commune)
        for cell_number in range(2):
            cell = make_unit(commune, "cell", f"Chi bộ {number}.{cell_number}")
            make_member(cell, f"Nguyễn Văn {number}{cell_number}")
            units.append(cell)
    return units


def assert_tree_is_consistent() -> None:
    units = {unit.pk: unit for unit in Unit.objects.all()}
    assert len({unit.path for unit in units.values()}) == len(units)
    for unit in units.values():
        assert len(unit.path) == unit.depth * PATH_STEP
        if unit.parent_id is None:
            assert unit.depth == 1
        else:
            assert unit.path[:-PATH_STEP] == units[unit.parent_id].path
        ancestors = [units[pk] for pk in units if unit.path.startswith(units[pk].path)]
        provinces = [ancestor for ancestor in ancestors if ancestor.kind.is_province]
        expected = max(provinces, key=lambda ancestor: ancestor.depth).pk if provinces else None
        assert unit.province_id == expected
    for member in Member.objects.select_related("cell"):
        assert member.province_id == member.cell.province_id


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(1, 10), st.integers(0, 10)), max_size=8))
def test_any_sequence_of_moves_keeps_paths_depths_and_provinces(moves):
    with transaction.atomic():
        units = build_tree()
        rules = services.KindRules()
        for moved_index, parent_index in moves:
            moved = Unit.objects.get(pk=units[moved_index].pk)
            parent = Unit.objects.get(pk=units[parent_index].pk)
            under_itself = parent.path.startswith(moved.path)
            if under_itself or (parent.pk != moved.parent_id and not rules.allows(moved.kind, parent.kind)):
                with pytest.raises(services.OrgError):
                    services.move_unit(moved, new_parent=parent, by=SYSTEM)
                continue
            services.move_unit(moved, new_parent=parent, by=SYSTEM)
            assert_tree_is_consistent()
        transaction.set_rollback(True)
