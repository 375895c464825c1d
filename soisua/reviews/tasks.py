from django.tasks import task

from .models import Cycle


@task
def task_tell_cycle_opened(cycle_id: int) -> None:
    """Tell the members of a large cycle that it opened (services.cycles.tell_cycle_opened)."""
    from .services.cycles import tell_cycle_opened

    cycle = Cycle.objects.select_related("unit").filter(pk=cycle_id).first()
    if cycle is not None:
        tell_cycle_opened(cycle)
