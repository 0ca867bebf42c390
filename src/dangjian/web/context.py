from dangjian.accounts.scope import Scope


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"scope": Scope.of(user)}
