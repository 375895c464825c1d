from django.http import HttpResponse


def import_create(request, pk):
    return HttpResponse(status=501)


import_detail = import_confirm = import_progress = import_create
