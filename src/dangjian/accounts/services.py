"""Account changes, audited: accounts, passwords, API tokens (grants join here)."""

from django.contrib.auth import get_user_model, password_validation
from django.db import transaction
from django.utils import timezone

from dangjian.audit.services import record

from .models import ApiToken, Profile, Role, RoleGrant


@transaction.atomic
def issue_token(user, name="", *, days=None, by=None, label="命令行"):
    """A new API token for ``user``; its raw value exists only on the returned object (shown once)."""
    token = ApiToken.issue(user, name, days=days)
    record("api token issued", actor=by, obj=user, label="" if by else label,
           after={"name": name, "expires_at": token.expires_at.date().isoformat()})
    return token


@transaction.atomic
def revoke_token(token, *, by=None, label="命令行"):
    """The token answers no more requests; the row stays, so the listing shows it was revoked."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record("api token revoked", actor=by, obj=token.user, label="" if by else label, after={"name": token.name})
    return token


@transaction.atomic
def create_account(username, password, *, first_name="", role=None, organization=None, by=None, label="命令行"):
    """An account an administrator creates (with its first role, if given): the password meets
    the policy, and its holder must change it at the first login (the administrator knows it)."""
    User = get_user_model()
    user = User(username=username, first_name=first_name[:150])
    user.full_clean(exclude=["password"])
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save()
    Profile.objects.create(user=user, must_change_password=True)
    after = {"username": username}
    if role:
        RoleGrant.objects.create(user=user, organization=organization, role=role)
        after["grant"] = f"{Role(role).label} @ {organization.name}"
    record("account created", actor=by, obj=user, organization=organization, label="" if by else label, after=after)
    return user


@transaction.atomic
def change_password(user, password):
    """The holder's own new password (already validated by the form); the first-login demand is met."""
    user.set_password(password)
    user.save(update_fields=["password"])
    Profile.objects.filter(user=user, must_change_password=True).update(must_change_password=False)
    record("password changed", actor=user, obj=user)
    return user
