from django.tasks import task

from .models import Directive


@task
def task_tell_targets(directive_id: int, what: str, amendment_id: int) -> None:
    """Tell the units addressed that a directive was issued ("issued") or amended ("amended")."""
    from .services import tell_targets

    directive = Directive.objects.select_related("issuer").filter(pk=directive_id).first()
    if directive is not None:
        tell_targets(directive, what, amendment_id)
