"""Container images of any workload shape."""

from __future__ import annotations

from gitops_release.diff.images import container_images, image_changes
from gitops_release.diff.model import ImageChange

CRONJOB = {
    "kind": "CronJob",
    "spec": {
        "jobTemplate": {
            "spec": {
                "template": {
                    "spec": {
                        "initContainers": [{"name": "migrate", "image": "app:1"}],
                        "containers": [
                            {"name": "app", "image": "app:1"},
                            {"name": "side", "image": "proxy:2"},
                        ],
                    }
                }
            }
        }
    },
}


def test_containers_anywhere_in_the_resource() -> None:
    assert container_images(CRONJOB) == {"init:migrate": "app:1", "app": "app:1", "side": "proxy:2"}
    pod = {"kind": "Pod", "spec": {"containers": [{"name": "a", "image": "x"}]}}
    assert container_images(pod) == {"a": "x"}


def test_changes_include_added_and_removed_containers() -> None:
    new = {
        "spec": {"containers": [{"name": "app", "image": "app:2"}, {"name": "new", "image": "n:1"}]}
    }
    old = {
        "spec": {
            "containers": [{"name": "app", "image": "app:1"}, {"name": "gone", "image": "g:1"}]
        }
    }
    assert image_changes("Deployment x", old, new) == (
        ImageChange("Deployment x", "app", "app:1", "app:2"),
        ImageChange("Deployment x", "gone", "g:1", None),
        ImageChange("Deployment x", "new", None, "n:1"),
    )
    assert image_changes("Deployment x", new, new) == ()
