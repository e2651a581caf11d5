from django.http import HttpRequest, HttpResponse


def targets_overview(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")
