"""What a lab pod gets from its user's identity: passwd/group entries, volumes, init containers,
security contexts, environment. Pure, stdlib only."""

import json

from lab_quota import HOME_QUOTA_ENV, QUOTA_PROFILE_FILE, QUOTA_PROFILE_PATH, home_quota_gib, quota_profile_script

#: Names of the volumes and init containers the hooks add to a lab pod.
HOME_VOLUME = "home"
ETC_VOLUME = "lab-etc"
ETC_MOUNT = "/lab-etc"
HOME_INIT = "lab-home"
PASSWD_INIT = "lab-passwd"
HOME_INIT_MOUNT = "/mnt/home"

#: The only capability the home init container keeps: chown of the new home to the user.
HOME_INIT_CAPABILITIES = ("CHOWN",)

#: Small, fixed resources of the init containers (they run for a second). A CPU limit too: a
#: shell script that mkdir/chowns one directory needs no more, and nothing in a lab pod is unbounded.
INIT_RESOURCES = {
    "requests": {"cpu": "50m", "memory": "32Mi"},
    "limits": {"cpu": "200m", "memory": "64Mi"},
}


def passwd_line(identity, shell="/bin/bash"):
    return f"{identity.login}:x:{identity.uid}:{identity.gid}:{identity.login}:{identity.home}:{shell}"


def group_lines(identity):
    """/etc/group lines: the private group, then one per organization (the user as member)."""
    lines = [f"{identity.login}:x:{identity.gid}:"]
    lines += [f"{name}:x:{gid}:{identity.login}" for name, gid in identity.groups]
    return lines


# The passwd init container: keeps the image's own entries except those clashing with the user's
# names or ids, and appends the user's. No braces anywhere: KubeSpawner formats init container
# strings with str.format. Data comes in through environment variables, never the script text.
PASSWD_SCRIPT = "\n".join(
    [
        "set -eu",
        "shell=/bin/sh",
        "if [ -x /bin/bash ]; then shell=/bin/bash; fi",
        "awk -F: -v n=\"$LAB_USER\" -v i=\"$LAB_UID\" '$1 != n && $3 != i' /etc/passwd > " + ETC_MOUNT + "/passwd",
        "printf '%s:x:%s:%s:%s:%s:%s\\n' \"$LAB_USER\" \"$LAB_UID\" \"$LAB_GID\" \"$LAB_USER\" \"$LAB_HOME\" \"$shell\" >> "
        + ETC_MOUNT
        + "/passwd",
        "awk -F: -v n=\"$LAB_GROUP_NAMES\" -v i=\"$LAB_GROUP_IDS\" "
        "'index(n, \",\" $1 \",\") == 0 && index(i, \",\" $3 \",\") == 0' /etc/group > " + ETC_MOUNT + "/group",
        "printf '%s\\n' \"$LAB_GROUP_LINES\" >> " + ETC_MOUNT + "/group",
    ]
)

# The home init container: a home the kubelet just created is root's (0755): make it the user's,
# 0700. A home that belongs to another uid is refused, never handed over: GitHub logins can be
# renamed and then registered by someone else, and the new owner of a login must not inherit the
# old owner's files (an admin moves the directory). Needs CAP_CHOWN only (chmod runs while root
# still owns the directory). No braces: KubeSpawner formats init container strings.
HOME_SCRIPT = "\n".join(
    [
        "set -eu",
        "owner=$(stat -c %u " + HOME_INIT_MOUNT + ")",
        "if [ \"$owner\" = 0 ]; then chmod 0700 " + HOME_INIT_MOUNT + "; chown \"$LAB_UID:$LAB_GID\" " + HOME_INIT_MOUNT + "; exit 0; fi",
        "if [ \"$owner\" != \"$LAB_UID\" ]; then",
        "  echo \"refusing to start: this home belongs to uid $owner, not to uid $LAB_UID (a GitHub login renamed and "
        "taken by someone else?); an admin must move the old directory away\" >&2",
        "  exit 1",
        "fi",
        "chown \"$LAB_UID:$LAB_GID\" " + HOME_INIT_MOUNT,
    ]
)

SECCOMP = {"type": "RuntimeDefault"}


def container_security_context(identity):
    """The lab container's (and passwd init container's) security context: the user, no privileges."""
    return {
        "runAsUser": identity.uid,
        "runAsGroup": identity.gid,
        "runAsNonRoot": True,
        "allowPrivilegeEscalation": False,
        "privileged": False,
        "capabilities": {"drop": ["ALL"]},
        "seccompProfile": dict(SECCOMP),
    }


def pod_security_context(identity):
    """The lab pod's security context: the user's ids and org groups for every container."""
    return {
        "runAsUser": identity.uid,
        "runAsGroup": identity.gid,
        "runAsNonRoot": True,
        "fsGroup": identity.gid,
        "supplementalGroups": identity.supplemental_gids,
        "seccompProfile": dict(SECCOMP),
    }


def home_init_security_context():
    """Root, but only CAP_CHOWN, no escalation, read-only root filesystem."""
    return {
        "runAsUser": 0,
        "runAsGroup": 0,
        "runAsNonRoot": False,
        "allowPrivilegeEscalation": False,
        "privileged": False,
        "readOnlyRootFilesystem": True,
        "capabilities": {"drop": ["ALL"], "add": list(HOME_INIT_CAPABILITIES)},
        "seccompProfile": dict(SECCOMP),
    }


#: The passwd init container's extra line where homes have quotas: the terminal's quota notice.
QUOTA_PROFILE_WRITE = "printf '%s' \"$LAB_QUOTA_PROFILE\" > " + ETC_MOUNT + "/" + QUOTA_PROFILE_FILE


def init_containers(identity, image, quota_profile=None):
    """The two init containers, in order: make the home the user's, then write passwd/group (and,
    given `quota_profile`, the terminal's quota notice)."""
    names = [identity.login] + [name for name, _ in identity.groups]
    ids = [identity.gid] + identity.supplemental_gids
    home = {
        "name": HOME_INIT,
        "image": image,
        "command": ["/bin/sh", "-c", HOME_SCRIPT],
        "env": [
            {"name": "LAB_UID", "value": str(identity.uid)},
            {"name": "LAB_GID", "value": str(identity.gid)},
        ],
        "volumeMounts": [{"name": HOME_VOLUME, "mountPath": HOME_INIT_MOUNT, "subPath": identity.login}],
        "securityContext": home_init_security_context(),
        "resources": json.loads(json.dumps(INIT_RESOURCES)),
    }
    passwd = {
        "name": PASSWD_INIT,
        "image": image,
        "command": ["/bin/sh", "-c", PASSWD_SCRIPT],
        "env": [
            {"name": "LAB_USER", "value": identity.login},
            {"name": "LAB_UID", "value": str(identity.uid)},
            {"name": "LAB_GID", "value": str(identity.gid)},
            {"name": "LAB_HOME", "value": identity.home},
            {"name": "LAB_GROUP_NAMES", "value": "," + ",".join(names) + ","},
            {"name": "LAB_GROUP_IDS", "value": "," + ",".join(str(i) for i in ids) + ","},
            {"name": "LAB_GROUP_LINES", "value": "\n".join(group_lines(identity))},
        ],
        "volumeMounts": [{"name": ETC_VOLUME, "mountPath": ETC_MOUNT}],
        "securityContext": {**container_security_context(identity), "readOnlyRootFilesystem": True},
        "resources": json.loads(json.dumps(INIT_RESOURCES)),
    }
    if quota_profile is not None:
        passwd["command"] = ["/bin/sh", "-c", PASSWD_SCRIPT + "\n" + QUOTA_PROFILE_WRITE]
        passwd["env"].append({"name": "LAB_QUOTA_PROFILE", "value": quota_profile})
    return [home, passwd]


def lab_pod_settings(identity, lab, image):
    """KubeSpawner trait values for one user's lab: volumes, mounts, init containers, env.

    The ids and security contexts come from the `spawner_*` callables of hooks.py. `image` is the
    default image; `set_init_images` swaps in the chosen one once KubeSpawner has applied the
    menu choice.
    """
    quota_gib = home_quota_gib(identity.login, lab)
    quota_profile = quota_profile_script(identity.home, quota_gib, lab)
    mounts = [
        {"name": HOME_VOLUME, "mountPath": identity.home, "subPath": identity.login},
        {"name": ETC_VOLUME, "mountPath": "/etc/passwd", "subPath": "passwd", "readOnly": True},
        {"name": ETC_VOLUME, "mountPath": "/etc/group", "subPath": "group", "readOnly": True},
    ]
    if quota_profile is not None:
        mounts.append({"name": ETC_VOLUME, "mountPath": QUOTA_PROFILE_PATH, "subPath": QUOTA_PROFILE_FILE, "readOnly": True})
    environment = {"HOME": identity.home, "USER": identity.login, "LOGNAME": identity.login}
    if quota_gib is not None:
        environment[HOME_QUOTA_ENV] = str(quota_gib)
    return {
        "working_dir": identity.home,
        "volumes": [
            {"name": HOME_VOLUME, "persistentVolumeClaim": {"claimName": lab["homesClaimName"]}},
            {"name": ETC_VOLUME, "emptyDir": {"medium": "Memory", "sizeLimit": "1Mi"}},
        ],
        "volume_mounts": mounts,
        "init_containers": init_containers(identity, image, quota_profile),
        "environment": environment,
    }


def set_init_images(pod):
    """KubeSpawner `modify_pod_hook` body: the init containers run the chosen lab image.

    They need the image's /etc/passwd and tools; using the lab image also means nothing extra
    to pull. Works on kubernetes_asyncio V1Pod objects (attributes) and on plain dicts (tests).
    """

    def get(obj, key):
        return obj.get(key) if isinstance(obj, dict) else getattr(obj, key)

    def put(obj, key, value):
        if isinstance(obj, dict):
            obj[key] = value
        else:
            setattr(obj, key, value)

    spec = get(pod, "spec")
    lab_image = get(get(spec, "containers")[0], "image")
    for container in get(spec, "init_containers") or []:
        if get(container, "name") in (HOME_INIT, PASSWD_INIT):
            put(container, "image", lab_image)
    return pod

