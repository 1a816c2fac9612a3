"""GraphQL types and resolvers for accounts. Resolvers only translate to and from services."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from server.auth import key_pairs, keys, models, service
from server.auth.sessions import describe_device
from server.context import Context

# The model's own enum, made a GraphQL enum in place.
Role = models.Role
strawberry.enum(Role, description="Whether the account belongs to a client or a therapist.")


@strawberry.type(description="A signed-in person's own account.")
class Account:
    id: strawberry.ID
    username: str
    display_name: str
    role: Role
    created_at: datetime
    sealed_account_key: str | None = strawberry.field(
        description="The account key sealed by the master key, which only the device "
        "derives from the password. Null for an account made before sealing."
    )

    @classmethod
    def from_model(cls, account: models.Account) -> Account:
        return cls(
            id=strawberry.ID(str(account.id)),
            username=account.username,
            display_name=account.display_name,
            role=account.role,
            created_at=account.created_at,
            sealed_account_key=account.sealed_account_key or None,
        )


@strawberry.type(description="An account's public keys, as the people it is linked with see them.")
class PublicKeys:
    account_id: strawberry.ID
    encryption_algorithm: str = strawberry.field(description="X25519 or P-256.")
    encryption_key: str = strawberry.field(description="The raw public key, base64url.")
    signing_algorithm: str = strawberry.field(description="Ed25519 or ECDSA-P256.")
    signing_key: str = strawberry.field(description="The raw public key, base64url.")
    changed_at: datetime | None = strawberry.field(description="When these keys were set.")

    @classmethod
    def from_model(cls, account: models.Account) -> PublicKeys:
        return cls(
            account_id=strawberry.ID(str(account.id)),
            encryption_algorithm=account.encryption_algorithm,
            encryption_key=account.encryption_key,
            signing_algorithm=account.signing_algorithm,
            signing_key=account.signing_key,
            changed_at=account.keys_changed_at,
        )


@strawberry.type(description="The signed-in account's key pairs: private halves sealed.")
class KeyPairs(PublicKeys):
    sealed_encryption_key: str = strawberry.field(
        description="The encryption private key, sealed by the account key."
    )
    sealed_signing_key: str = strawberry.field(
        description="The signing private key, sealed by the account key."
    )

    @classmethod
    def of(cls, account: models.Account) -> KeyPairs | None:
        if not key_pairs.has_pairs(account):
            return None
        public = PublicKeys.from_model(account)
        return cls(
            **vars(public),
            sealed_encryption_key=account.sealed_encryption_key,
            sealed_signing_key=account.sealed_signing_key,
        )


@strawberry.input(description='Key pairs a device made (docs/crypto.md, "Key pairs").')
class KeyPairsInput:
    encryption_algorithm: str = strawberry.field(description="X25519 or P-256.")
    encryption_key: str = strawberry.field(description="The raw public key, base64url.")
    sealed_encryption_key: str
    signing_algorithm: str = strawberry.field(description="Ed25519 or ECDSA-P256.")
    signing_key: str = strawberry.field(description="The raw public key, base64url.")
    sealed_signing_key: str

    def to_pairs(self) -> key_pairs.KeyPairs:
        return key_pairs.KeyPairs(
            encryption_algorithm=self.encryption_algorithm,
            encryption_key=self.encryption_key,
            sealed_encryption_key=self.sealed_encryption_key,
            signing_algorithm=self.signing_algorithm,
            signing_key=self.signing_key,
            sealed_signing_key=self.sealed_signing_key,
        )


@strawberry.type(description="A device or browser where this account is signed in.")
class DeviceSession:
    id: strawberry.ID
    device_label: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    current: bool = strawberry.field(description="True for the session making this request.")

    @classmethod
    def from_model(cls, session: models.Session, current_id) -> DeviceSession:
        return cls(
            id=strawberry.ID(str(session.id)),
            device_label=session.device_label,
            created_at=session.created_at,
            last_seen_at=session.last_seen_at,
            expires_at=session.expires_at,
            current=session.id == current_id,
        )


@strawberry.type(description="What a device needs to derive a username's keys from a password.")
class KeyParams:
    seed: str = strawberry.field(description="16 bytes as 32 lowercase hex characters.")
    version: int
    memory_ki_b: int = strawberry.field(name="memoryKiB")
    iterations: int
    parallelism: int


@strawberry.input(description="Argon2id parameters; weaker ones than this version's are refused.")
class KdfParamsInput:
    version: int
    memory_ki_b: int = strawberry.field(name="memoryKiB")
    iterations: int
    parallelism: int


@strawberry.input(description="The keys a device made for a password (docs/crypto.md).")
class AccountKeysInput:
    seed: str = strawberry.field(description="16 random bytes as 32 lowercase hex characters.")
    params: KdfParamsInput
    sealed_account_key: str = strawberry.field(
        description="The account key sealed by the master key."
    )

    def to_keys(self) -> keys.AccountKeys:
        p = self.params
        return keys.AccountKeys(
            seed=self.seed,
            params=keys.KdfParams(p.version, p.memory_ki_b, p.iterations, p.parallelism),
            sealed_account_key=self.sealed_account_key,
        )


@strawberry.input(description="One recovery code as the server keeps it; never the code.")
class RecoveryCodeInput:
    lookup: str = strawberry.field(description="The code's first 5 characters.")
    verifier: str = strawberry.field(description="64 lowercase hex characters.")
    sealed_account_key: str = strawberry.field(
        description="The account key sealed by this code's key."
    )


def _codes(codes: list[RecoveryCodeInput]) -> list[keys.SealedCode]:
    return [keys.SealedCode(c.lookup, c.verifier, c.sealed_account_key) for c in codes]


@strawberry.type
class Registered:
    account: Account


@strawberry.input
class RegisterInput:
    username: str
    auth_key: str
    keys: AccountKeysInput
    recovery_codes: list[RecoveryCodeInput]
    display_name: str
    role: Role
    device_label: str | None = None


@strawberry.input
class SignInInput:
    username: str
    auth_key: str
    device_label: str | None = None


@strawberry.input
class ChangePasswordInput:
    current_auth_key: str
    new_auth_key: str
    keys: AccountKeysInput


@strawberry.input
class OpenRecoveryInput:
    username: str
    lookup: str
    verifier: str


@strawberry.input
class RecoverAccountInput:
    username: str
    lookup: str
    verifier: str
    new_auth_key: str
    keys: AccountKeysInput
    device_label: str | None = None


def _device(ctx: Context, label: str | None) -> str:
    return describe_device(label, ctx.user_agent)


async def _replace_session(ctx: Context, signed_in: service.SignedIn) -> Account:
    """Signing in on a device that already had a session ends the old one (rotation)."""
    if ctx.session is not None:
        await service.sign_out(ctx.accounts, ctx.session)
    ctx.set_session_cookie(signed_in.token)
    return Account.from_model(signed_in.account)


@strawberry.type
class Query:
    @strawberry.field(description="The signed-in account, or null when signed out.")
    def me(self, info: Info[Context, None]) -> Account | None:
        session = info.context.session
        return Account.from_model(session.account) if session else None

    @strawberry.field(
        description="The seed and Argon2id parameters to derive a username's keys with. "
        "A username without an account gets a stable made-up seed that looks the same."
    )
    async def key_params(self, info: Info[Context, None], username: str) -> KeyParams:
        ctx = info.context
        seed, params = await service.key_params(ctx.accounts, username=username, ip=ctx.ip)
        return KeyParams(
            seed=seed,
            version=params.version,
            memory_ki_b=params.memory_kib,
            iterations=params.iterations,
            parallelism=params.parallelism,
        )

    @strawberry.field(
        description="The signed-in account's key pairs, or null until a device made them."
    )
    def my_key_pairs(self, info: Info[Context, None]) -> KeyPairs | None:
        return KeyPairs.of(info.context.require_account())

    @strawberry.field(description="Every device where this account is signed in.")
    async def my_sessions(self, info: Info[Context, None]) -> list[DeviceSession]:
        ctx = info.context
        session = ctx.require_session()
        sessions = await service.list_sessions(session.account, ctx.accounts.expiry)
        return [DeviceSession.from_model(s, session.id) for s in sessions]

    @strawberry.field(description="How many unused recovery codes are left.")
    async def recovery_codes_left(self, info: Info[Context, None]) -> int:
        return await service.recoverable_codes(info.context.require_account())

    @strawberry.field(description="Everything this account has stored, as one JSON document.")
    async def export_my_data(self, info: Info[Context, None]) -> JSON:
        return JSON(await info.context.export(info.context.require_account()))


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Create an account and sign in. No email is needed.")
    async def register(self, info: Info[Context, None], input: RegisterInput) -> Registered:
        ctx = info.context
        registered = await service.register(
            ctx.accounts,
            username=input.username,
            auth_key=input.auth_key,
            keys=input.keys.to_keys(),
            recovery_codes=_codes(input.recovery_codes),
            display_name=input.display_name,
            role=models.Role(input.role),
            device_label=_device(ctx, input.device_label),
            ip=ctx.ip,
        )
        return Registered(account=await _replace_session(ctx, registered))

    @strawberry.mutation
    async def sign_in(self, info: Info[Context, None], input: SignInInput) -> Account:
        ctx = info.context
        signed_in = await service.sign_in(
            ctx.accounts,
            username=input.username,
            auth_key=input.auth_key,
            device_label=_device(ctx, input.device_label),
            ip=ctx.ip,
        )
        return await _replace_session(ctx, signed_in)

    @strawberry.mutation(
        description="Set this account's key pairs. New public keys change the safety "
        "number of every link."
    )
    async def set_my_key_pairs(self, info: Info[Context, None], input: KeyPairsInput) -> KeyPairs:
        account = await key_pairs.set_key_pairs(info.context.require_account(), input.to_pairs())
        made = KeyPairs.of(account)
        assert made is not None
        return made

    @strawberry.mutation(description="End this device's session on the server.")
    async def sign_out(self, info: Info[Context, None]) -> bool:
        ctx = info.context
        await service.sign_out(ctx.accounts, ctx.require_session())
        ctx.clear_session_cookie()
        return True

    @strawberry.mutation(
        description="Set a new password. Every other session is signed out, and this "
        "device goes on with a new session (a new cookie)."
    )
    async def change_password(self, info: Info[Context, None], input: ChangePasswordInput) -> bool:
        ctx = info.context
        renewed = await service.change_password(
            ctx.accounts,
            ctx.require_session(),
            current_auth_key=input.current_auth_key,
            new_auth_key=input.new_auth_key,
            keys=input.keys.to_keys(),
            ip=ctx.ip,
        )
        ctx.set_session_cookie(renewed.token)
        return True

    @strawberry.mutation(description="Sign out one of your devices.")
    async def revoke_session(self, info: Info[Context, None], id: strawberry.ID) -> bool:
        ctx = info.context
        session = ctx.require_session()
        revoked = await service.revoke_session(ctx.accounts, session.account, str(id))
        if revoked.id == session.id:
            ctx.clear_session_cookie()
        return True

    @strawberry.mutation(
        description="Replace all recovery codes with the ten new ones this device made."
    )
    async def regenerate_recovery_codes(
        self, info: Info[Context, None], auth_key: str, recovery_codes: list[RecoveryCodeInput]
    ) -> bool:
        ctx = info.context
        await service.regenerate_recovery_codes(
            ctx.accounts,
            ctx.require_account(),
            auth_key=auth_key,
            codes=_codes(recovery_codes),
            ip=ctx.ip,
        )
        return True

    @strawberry.mutation(
        description="Show a recovery code's lookup and verifier; get back the account key "
        "sealed by that code. Counts as a guess; uses nothing up."
    )
    async def open_recovery(self, info: Info[Context, None], input: OpenRecoveryInput) -> str:
        ctx = info.context
        return await service.open_recovery(
            ctx.accounts,
            username=input.username,
            lookup=input.lookup,
            verifier=input.verifier,
            ip=ctx.ip,
        )

    @strawberry.mutation(description="Use a recovery code to set a new password and sign in.")
    async def recover_account(
        self, info: Info[Context, None], input: RecoverAccountInput
    ) -> Account:
        ctx = info.context
        signed_in = await service.recover_account(
            ctx.accounts,
            username=input.username,
            lookup=input.lookup,
            verifier=input.verifier,
            new_auth_key=input.new_auth_key,
            keys=input.keys.to_keys(),
            device_label=_device(ctx, input.device_label),
            ip=ctx.ip,
        )
        return await _replace_session(ctx, signed_in)

    @strawberry.mutation(description="Delete the account and everything in it, for good.")
    async def delete_account(self, info: Info[Context, None], auth_key: str) -> bool:
        ctx = info.context
        await service.delete_account(
            ctx.accounts, ctx.require_account(), auth_key=auth_key, ip=ctx.ip
        )
        ctx.clear_session_cookie()
        return True
