from django.http import HttpResponse


def roster_xlsx(request, pk):
    return HttpResponse(status=501)


roster_pdf = roster_docx = profile_pdf = profile_docx = roster_xlsx
