// The letter's writing space: the text grows with the page, so there is one scroll
// (the page's) and never a box scrolling inside it; and while words come, the tab bar
// steps back, returning after a pause or when the writing stops. The top bar, with
// Help now, stays. Nothing here touches the words or their saving.

const PAUSE_MS = 2000;

export function writingSpace(body) {
  let length = body.value.length;
  let pause = null;

  // Only a shorter text can need a smaller box; a longer one is only ever grown, so a
  // keystroke costs one read of the height.
  function fit({ shrink = body.value.length < length } = {}) {
    length = body.value.length;
    const border = body.offsetHeight - body.clientHeight;
    if (shrink) {
      const y = scrollY;
      body.style.height = "";
      if (body.scrollHeight > body.clientHeight) body.style.height = `${body.scrollHeight + border}px`;
      if (scrollY !== y) scrollTo(0, y);
    } else if (body.scrollHeight > body.clientHeight) {
      body.style.height = `${body.scrollHeight + border}px`;
    }
    body.scrollTop = 0;
    // Writing at the end: the new line is the one to see, above the bottom edge.
    if (document.activeElement === body && body.selectionEnd === body.value.length) {
      const below = body.getBoundingClientRect().bottom - innerHeight;
      if (below > 0) scrollBy(0, below);
    }
  }

  const rest = () => {
    clearTimeout(pause);
    document.body.classList.remove("writing");
  };
  body.addEventListener("input", () => {
    fit();
    document.body.classList.add("writing");
    clearTimeout(pause);
    pause = setTimeout(rest, PAUSE_MS);
  });
  body.addEventListener("blur", rest);
  const refit = () => fit({ shrink: true });
  addEventListener("resize", refit);
  requestAnimationFrame(refit);

  return {
    // After the words were replaced (another device's version, a restore).
    refit,
    stop() {
      rest();
      removeEventListener("resize", refit);
    },
  };
}
