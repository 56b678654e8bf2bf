-- Lets a single statement check an invariant and roll itself back when it does
-- not hold (the worker records a batch of successful attempts in one statement).
CREATE FUNCTION hookline_assert(ok boolean, message text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  IF ok IS NOT TRUE THEN
    RAISE EXCEPTION 'hookline_assert: %', message;
  END IF;
  RETURN true;
END
$$;
