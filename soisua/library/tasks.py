from django.tasks import task

from .models import LibraryDocument


@task
def task_tell_members(document_id: int) -> None:
    """Tell the members of a large subtree what to study (services.tell_members)."""
    from .services import tell_members

    document = LibraryDocument.objects.select_related("unit").filter(pk=document_id).first()
    if document is not None:
        tell_members(document)
